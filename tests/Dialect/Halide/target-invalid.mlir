// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{target 'x86-64' is not arch-bits-os[-feature...]}}
module attributes {halide.target = #halide.target<"x86-64">} {}

// -----

// expected-error @+1 {{has unknown arch 'vax'}}
module attributes {halide.target = #halide.target<"vax-64-linux">} {}

// -----

// expected-error @+1 {{has bits '48', expected 32 or 64}}
module attributes {halide.target = #halide.target<"x86-48-linux">} {}

// -----

// expected-error @+1 {{has a malformed part ''}}
module attributes {halide.target = #halide.target<"x86-64-linux--avx2">} {}

// -----

// expected-error @+1 {{has a malformed part 'AVX2'}}
module attributes {halide.target = #halide.target<"x86-64-linux-AVX2">} {}

// -----

// expected-error @+1 {{halide.target must be a #halide.target}}
module attributes {halide.target = "x86-64-linux-avx2"} {}

// -----

module {
  // expected-error @+1 {{halide.target belongs on a module}}
  func.func @f() attributes {halide.target = #halide.target<"x86-64-linux">} {
    return
  }
}

// -----

// expected-error @+1 {{halide.cpu must be a #halide.cpu}}
module attributes {halide.cpu = "znver4"} {}

// -----

// expected-error @+1 {{cpu feature 'avx512vnni' is not +name or -name}}
module attributes {halide.cpu = #halide.cpu<"znver4", "avx512vnni">} {}

// -----

// expected-error @+1 {{cpu name 'zen 4' is not an LLVM CPU name}}
module attributes {halide.cpu = #halide.cpu<"zen 4", "">} {}

// -----

module {
  // expected-error @+1 {{halide.cpu belongs on a module}}
  func.func @f() attributes {halide.cpu = #halide.cpu<"znver4", "+avx512vnni">} {
    return
  }
}
