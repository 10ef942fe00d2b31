//===- runtime.hpp - Kiln's C API for C++17: RAII, views, exceptions ------===//
//
// Header-only, over kiln/runtime.h (link libkiln_runtime.a as for C). It adds
// no behaviour: every check and message is the runtime's.
//
//   kiln::Context ctx(bert_model());               // throws kiln::Error
//   std::vector<int64_t> ids(16);
//   std::vector<float> out(ctx.model().output(0).shape.elements());
//   ctx.set_input("input_ids", kiln::TensorView(ids.data(), {1, 16}));
//   ctx.set_output(0, kiln::TensorView(out.data(), {1, 16, 128}));
//   ctx.run();
//
// - kiln::Context owns a kiln_context_t (move-only; destroyed with it).
// - kiln::TensorView is a pointer, a dtype and a shape held by value: the
//   data is never copied, and stays the caller's. A context keeps the views
//   set on it, never the data, which must live until run() returns.
// - Errors: kiln::Error (a std::runtime_error with the status code and the
//   runtime's message). Every throwing call has a `try_` twin that returns a
//   kiln::Status or a kiln::Expected<T> instead and throws nothing of its own;
//   built with -fno-exceptions only the `try_` forms exist.
// - As in C, a context runs on one thread at a time.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_HPP
#define KILN_RUNTIME_HPP

#include "kiln/runtime.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__cpp_exceptions)
#include <stdexcept>
#endif

namespace kiln {

/// OK, or a failure: the runtime's status code and message.
class [[nodiscard]] Status {
public:
  Status() = default;
  Status(kiln_status_t code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const noexcept { return code_ == KILN_OK; }
  explicit operator bool() const noexcept { return ok(); }
  kiln_status_t code() const noexcept { return code_; }
  /// "INVALID_ARGUMENT", ...
  const char *code_name() const noexcept { return kiln_status_string(code_); }
  /// The runtime's text ("" when OK).
  const std::string &message() const noexcept { return message_; }

private:
  kiln_status_t code_ = KILN_OK;
  std::string message_;
};

#if defined(__cpp_exceptions)
/// What the throwing calls throw. what(): "INVALID_ARGUMENT: <message>".
class Error : public std::runtime_error {
public:
  explicit Error(Status status)
      : std::runtime_error(std::string(status.code_name()) + ": " + status.message()),
        status_(std::move(status)) {}
  kiln_status_t code() const noexcept { return status_.code(); }
  const std::string &message() const noexcept { return status_.message(); }
  const Status &status() const noexcept { return status_; }

private:
  Status status_;
};
#endif

namespace detail {
/// Throws Error; without exceptions (only Expected::value() on a failure
/// gets here, a caller's bug) aborts.
[[noreturn]] inline void raise(const Status &status) {
#if defined(__cpp_exceptions)
  throw Error(status);
#else
  (void)status;
  std::abort();
#endif
}

inline void check(Status status) {
  if (!status.ok())
    raise(status);
}
} // namespace detail

/// A value, or the Status that kept it from being made.
template <class T> class [[nodiscard]] Expected {
public:
  Expected(T value) : value_(std::move(value)) {}
  /// `status` must be a failure.
  Expected(Status status) : status_(std::move(status)) {}

  bool ok() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  const Status &status() const noexcept { return status_; }

  /// The value; on a failure throws its Error (aborts under -fno-exceptions).
  T &value() & {
    if (!ok())
      detail::raise(status_);
    return *value_;
  }
  T &&value() && {
    if (!ok())
      detail::raise(status_);
    return std::move(*value_);
  }
  T &operator*() & { return *value_; }
  T &&operator*() && { return std::move(*value_); }
  T *operator->() { return &*value_; }
  const T *operator->() const { return &*value_; }

private:
  std::optional<T> value_;
  Status status_;
};

/// A contiguous run of T the caller owns: a pointer and a count (std::span's
/// part that this header needs, in C++17).
template <class T> class Span {
public:
  constexpr Span() = default;
  constexpr Span(T *data, size_t size) : data_(data), size_(size) {}
  template <class C, class = decltype(std::declval<C &>().data())>
  constexpr Span(C &container) : data_(container.data()), size_(container.size()) {}
  // For a call's argument, `run({a, b}, {c})`: the list lives as long as the
  // call, which is all a Span parameter needs (GCC warns regardless).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winit-list-lifetime"
#endif
  constexpr Span(std::initializer_list<std::remove_const_t<T>> list)
      : data_(list.begin()), size_(list.size()) {}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

  constexpr T *data() const noexcept { return data_; }
  constexpr size_t size() const noexcept { return size_; }
  constexpr T *begin() const noexcept { return data_; }
  constexpr T *end() const noexcept { return data_ + size_; }
  constexpr T &operator[](size_t i) const noexcept { return data_[i]; }

private:
  T *data_ = nullptr;
  size_t size_ = 0;
};

/// A shape held by value: up to KILN_MAX_RANK dims, ONNX order (outermost
/// first). A longer shape keeps its rank but only the first KILN_MAX_RANK
/// dims; no model has such a rank, and the runtime refuses it on the rank
/// before reading any dim.
class Shape {
public:
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims) : Shape(dims.begin(), (int32_t)dims.size()) {}
  Shape(const int64_t *dims, int32_t rank) : rank_(rank < 0 ? 0 : rank) {
    for (int32_t d = 0; d < stored(); ++d)
      dims_[(size_t)d] = dims[d];
  }

  int32_t rank() const noexcept { return rank_; }
  const int64_t *data() const noexcept { return dims_.data(); }
  const int64_t *begin() const noexcept { return dims_.data(); }
  const int64_t *end() const noexcept { return dims_.data() + stored(); }
  int64_t operator[](int32_t d) const noexcept { return dims_[(size_t)d]; }
  /// The product of the dims (1 for a scalar); -1 if a dim is symbolic (-1).
  int64_t elements() const noexcept {
    int64_t n = 1;
    for (int64_t d : *this) {
      if (d < 0)
        return -1;
      n *= d;
    }
    return n;
  }
  bool operator==(const Shape &o) const noexcept {
    if (rank_ != o.rank_)
      return false;
    for (int32_t d = 0; d < stored(); ++d)
      if (dims_[(size_t)d] != o.dims_[(size_t)d])
        return false;
    return true;
  }
  bool operator!=(const Shape &o) const noexcept { return !(*this == o); }

private:
  int32_t stored() const noexcept { return rank_ < KILN_MAX_RANK ? rank_ : KILN_MAX_RANK; }
  std::array<int64_t, KILN_MAX_RANK> dims_{};
  int32_t rank_ = 0;
};

/// The dtype of a C++ element type (float16 has none: use the untyped
/// TensorView constructor with KILN_DTYPE_FLOAT16).
template <class T> struct dtype_of;
template <> struct dtype_of<float> { static constexpr kiln_dtype_t value = KILN_DTYPE_FLOAT32; };
template <> struct dtype_of<uint8_t> { static constexpr kiln_dtype_t value = KILN_DTYPE_UINT8; };
template <> struct dtype_of<int8_t> { static constexpr kiln_dtype_t value = KILN_DTYPE_INT8; };
template <> struct dtype_of<int32_t> { static constexpr kiln_dtype_t value = KILN_DTYPE_INT32; };
template <> struct dtype_of<int64_t> { static constexpr kiln_dtype_t value = KILN_DTYPE_INT64; };
template <> struct dtype_of<bool> { static constexpr kiln_dtype_t value = KILN_DTYPE_BOOL; };
static_assert(sizeof(bool) == 1, "the runtime stores bool as one byte");

/// Borrowed tensor memory: pointer, dtype and shape. Copying a view copies
/// the shape, never the data.
class TensorView {
public:
  TensorView() = default;
  TensorView(kiln_dtype_t dtype, void *data, Shape shape)
      : dtype_(dtype), data_(data), shape_(shape) {}
  template <class T>
  TensorView(T *data, Shape shape) : TensorView(dtype_of<T>::value, data, shape) {}
  /// An input: the runtime never writes its inputs.
  template <class T>
  TensorView(const T *data, Shape shape)
      : TensorView(dtype_of<T>::value, const_cast<T *>(data), shape) {}

  kiln_dtype_t dtype() const noexcept { return dtype_; }
  void *data() const noexcept { return data_; }
  const Shape &shape() const noexcept { return shape_; }
  int64_t elements() const noexcept { return shape_.elements(); }
  size_t bytes() const noexcept {
    int64_t n = elements();
    return n > 0 ? (size_t)n * kiln_dtype_size(dtype_) : 0;
  }
  /// The data as T*, or nullptr when T is not the view's dtype.
  template <class T> T *data_as() const noexcept {
    return dtype_of<T>::value == dtype_ ? static_cast<T *>(data_) : nullptr;
  }
  /// The C form; its shape points into this view.
  kiln_tensor_t c_tensor() const noexcept { return {dtype_, shape_.rank(), shape_.data(), data_}; }

private:
  kiln_dtype_t dtype_ = (kiln_dtype_t)0; // 0: not set
  void *data_ = nullptr;
  Shape shape_;
};

/// A model input or output as the model (or a context) declares it.
struct TensorInfo {
  std::string_view name;
  kiln_dtype_t dtype = (kiln_dtype_t)0;
  Shape shape; ///< -1 for a symbolic dim, from the model
  /// Per dim: its symbolic size ("seq", "batch*seq"), "" for a static dim.
  std::vector<std::string_view> dim_names;

  static TensorInfo from(const kiln_tensor_info_t &c) {
    TensorInfo info;
    info.name = c.name ? c.name : "";
    info.dtype = c.dtype;
    info.shape = Shape(c.shape, c.rank);
    if (c.dim_names)
      for (int32_t d = 0; d < c.rank; ++d)
        info.dim_names.emplace_back(c.dim_names[d] ? c.dim_names[d] : "");
    return info;
  }
};

/// A compiled model's table (static data of libNAME.a): what it takes and
/// gives. Cheap to copy.
class Model {
public:
  explicit Model(const kiln_model_t *model) noexcept : model_(model) {}
  const kiln_model_t *get() const noexcept { return model_; }
  std::string_view name() const noexcept { return model_ && model_->name ? model_->name : ""; }
  int32_t input_count() const noexcept { return kiln_model_input_count(model_); }
  int32_t output_count() const noexcept { return kiln_model_output_count(model_); }
  /// 0 for a model with symbolic dims (see Context::workspace_size).
  int64_t workspace_size() const noexcept { return kiln_model_workspace_size(model_); }

  Expected<TensorInfo> try_input(int32_t index) const { return info(false, index); }
  Expected<TensorInfo> try_output(int32_t index) const { return info(true, index); }
  /// The index of the input or output called `name`; INVALID_ARGUMENT naming
  /// the model's inputs (outputs) when there is none.
  Expected<int32_t> try_input_index(std::string_view name) const { return find(false, name); }
  Expected<int32_t> try_output_index(std::string_view name) const { return find(true, name); }

#if defined(__cpp_exceptions)
  TensorInfo input(int32_t index) const { return try_input(index).value(); }
  TensorInfo output(int32_t index) const { return try_output(index).value(); }
  int32_t input_index(std::string_view name) const { return try_input_index(name).value(); }
  int32_t output_index(std::string_view name) const { return try_output_index(name).value(); }
#endif

private:
  static const char *kind(bool output) { return output ? "output" : "input"; }

  Expected<TensorInfo> info(bool output, int32_t index) const {
    kiln_tensor_info_t c{};
    kiln_status_t st = output ? kiln_model_output_info(model_, index, &c)
                              : kiln_model_input_info(model_, index, &c);
    if (st != KILN_OK) // the model queries record no text: say what was asked
      return Status(st, std::string(kind(output)) + " #" + std::to_string(index) + " of model '" +
                            std::string(name()) + "' (it has " +
                            std::to_string(output ? output_count() : input_count()) + ")");
    return TensorInfo::from(c);
  }

  Expected<int32_t> find(bool output, std::string_view wanted) const {
    int32_t n = output ? output_count() : input_count();
    std::string names;
    for (int32_t i = 0; i < n; ++i) {
      kiln_tensor_info_t c{};
      if ((output ? kiln_model_output_info(model_, i, &c) : kiln_model_input_info(model_, i, &c)) !=
              KILN_OK ||
          !c.name)
        continue;
      if (wanted == c.name)
        return i;
      names += (names.empty() ? "'" : ", '") + std::string(c.name) + "'";
    }
    return Status(KILN_INVALID_ARGUMENT, "model '" + std::string(name()) + "' has no " +
                                             kind(output) + " named '" + std::string(wanted) +
                                             "' (its " + kind(output) + "s: " + names + ")");
  }

  const kiln_model_t *model_;
};

/// kiln_context_options_t with its defaults.
struct ContextOptions {
  int32_t num_threads = 0; ///< 0: Halide's default (HL_NUM_THREADS or all cores)
};

/// Owns one kiln_context_t: the arena and, on CUDA, the device state.
class Context {
public:
  /// The non-throwing constructor.
  static Expected<Context> create(const kiln_model_t *model, ContextOptions options = {}) {
    kiln_context_options_t c{options.num_threads};
    kiln_context_t *ctx = nullptr;
    kiln_status_t st = kiln_context_create(model, &c, &ctx);
    if (st != KILN_OK) // no context to hold the text: the thread's slot has it
      return Status(st, kiln_context_last_error(nullptr));
    return Context(ctx, model);
  }
#if defined(__cpp_exceptions)
  explicit Context(const kiln_model_t *model, ContextOptions options = {})
      : Context(create(model, options).value()) {}
#endif

  Context(Context &&o) noexcept { *this = std::move(o); }
  Context &operator=(Context &&o) noexcept {
    if (this != &o) {
      kiln_context_destroy(ctx_);
      ctx_ = std::exchange(o.ctx_, nullptr);
      model_ = o.model_;
      inputs_ = std::move(o.inputs_);
      outputs_ = std::move(o.outputs_);
      c_tensors_ = std::move(o.c_tensors_);
    }
    return *this;
  }
  Context(const Context &) = delete;
  Context &operator=(const Context &) = delete;
  ~Context() { kiln_context_destroy(ctx_); }

  kiln_context_t *get() const noexcept { return ctx_; }
  Model model() const noexcept { return model_; }
  /// The message of the context's last failure ("" if none).
  const char *last_error() const noexcept { return kiln_context_last_error(ctx_); }

  // Binding, then run(): by index or by name. A context keeps the views.
  Status try_set_input(int32_t index, const TensorView &view) { return bind(false, index, view); }
  Status try_set_output(int32_t index, const TensorView &view) { return bind(true, index, view); }
  Status try_set_input(std::string_view name, const TensorView &view) {
    Expected<int32_t> i = model_.try_input_index(name);
    return i ? bind(false, *i, view) : i.status();
  }
  Status try_set_output(std::string_view name, const TensorView &view) {
    Expected<int32_t> i = model_.try_output_index(name);
    return i ? bind(true, *i, view) : i.status();
  }
  /// Runs on the views set so far; INVALID_ARGUMENT naming one never set.
  Status try_run() {
    for (int io = 0; io < 2; ++io) {
      const std::vector<TensorView> &views = io ? outputs_ : inputs_;
      for (size_t i = 0; i < views.size(); ++i)
        if (views[i].dtype() == 0) {
          Expected<TensorInfo> info = io ? model_.try_output((int32_t)i) : model_.try_input((int32_t)i);
          return Status(KILN_INVALID_ARGUMENT,
                        std::string(io ? "output '" : "input '") +
                            std::string(info ? info->name : "?") + "' (#" + std::to_string(i) +
                            ") was not set (set_" + (io ? "output" : "input") + ")");
        }
    }
    return try_run(inputs_, outputs_);
  }
  /// Runs on these views, in the model's input and output order.
  Status try_run(Span<const TensorView> inputs, Span<const TensorView> outputs) {
    c_tensors_.clear();
    for (const TensorView &v : inputs)
      c_tensors_.push_back(v.c_tensor());
    for (const TensorView &v : outputs)
      c_tensors_.push_back(v.c_tensor());
    return status(kiln_context_run(ctx_, c_tensors_.data(), (int32_t)inputs.size(),
                                   c_tensors_.data() + inputs.size(), (int32_t)outputs.size()));
  }
  /// Sizes the context for these inputs without running (data may be null);
  /// then output_info gives each output's shape.
  Status try_resolve(Span<const TensorView> inputs) {
    c_tensors_.clear();
    for (const TensorView &v : inputs)
      c_tensors_.push_back(v.c_tensor());
    return status(kiln_context_resolve(ctx_, c_tensors_.data(), (int32_t)inputs.size()));
  }
  /// Output `index` at the last resolved sizes.
  Expected<TensorInfo> try_output_info(int32_t index) const {
    kiln_tensor_info_t c{};
    kiln_status_t st = kiln_context_output_info(ctx_, index, &c);
    if (st != KILN_OK)
      return Status(st, kiln_context_last_error(ctx_));
    return TensorInfo::from(c);
  }
  Status try_set_num_threads(int32_t num_threads) {
    return status(kiln_context_set_num_threads(ctx_, num_threads));
  }
  /// Bytes of the current arena plan.
  int64_t workspace_size() const noexcept { return kiln_context_workspace_size(ctx_); }

#if defined(__cpp_exceptions)
  void set_input(int32_t index, const TensorView &view) { detail::check(try_set_input(index, view)); }
  void set_output(int32_t index, const TensorView &view) { detail::check(try_set_output(index, view)); }
  void set_input(std::string_view name, const TensorView &view) {
    detail::check(try_set_input(name, view));
  }
  void set_output(std::string_view name, const TensorView &view) {
    detail::check(try_set_output(name, view));
  }
  void run() { detail::check(try_run()); }
  void run(Span<const TensorView> inputs, Span<const TensorView> outputs) {
    detail::check(try_run(inputs, outputs));
  }
  void resolve(Span<const TensorView> inputs) { detail::check(try_resolve(inputs)); }
  TensorInfo output_info(int32_t index) const { return try_output_info(index).value(); }
  void set_num_threads(int32_t num_threads) { detail::check(try_set_num_threads(num_threads)); }
#endif

private:
  Context(kiln_context_t *ctx, const kiln_model_t *model)
      : ctx_(ctx), model_(model), inputs_((size_t)model_.input_count()),
        outputs_((size_t)model_.output_count()) {}

  Status status(kiln_status_t st) const {
    return st == KILN_OK ? Status() : Status(st, kiln_context_last_error(ctx_));
  }

  Status bind(bool output, int32_t index, const TensorView &view) {
    std::vector<TensorView> &views = output ? outputs_ : inputs_;
    if (index < 0 || (size_t)index >= views.size())
      return Status(KILN_OUT_OF_RANGE, std::string(output ? "output" : "input") + " #" +
                                           std::to_string(index) + " does not exist: model '" +
                                           std::string(model_.name()) + "' has " +
                                           std::to_string(views.size()));
    views[(size_t)index] = view;
    return Status();
  }

  kiln_context_t *ctx_ = nullptr;
  Model model_{nullptr};
  std::vector<TensorView> inputs_, outputs_;
  std::vector<kiln_tensor_t> c_tensors_; // the C form of a run's views, reused
};

} // namespace kiln

#endif // KILN_RUNTIME_HPP
