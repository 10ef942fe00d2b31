//===- ModelLibrary.cpp - A planned halide-level module to libNAME.a + NAME.h -===//
#include "compiler/Target/Library/ModelLibrary.h"
#include "compiler/Target/Halide/HalideTranslation.h"
#include "compiler/Target/Library/LibraryEmitter.h"
#include "dialects/Halide/HalideAttrs.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"

using namespace mlir;
using namespace kiln;

LogicalResult kiln::emitModelLibrary(ModuleOp module, const ModelLibraryOptions &opts,
                                     TimingScope &timing) {
  auto stage = [&](StringRef name) {
    if (opts.progress)
      opts.progress(name, 0, 0);
  };
  halide::TargetAttr target = halide::getTarget(module);
  if (!target)
    return module.emitError("no ") << halide::kTargetAttrName
                                   << " on the module: run the pipeline (or kiln-set-target) first";
  llvm::SmallString<128> work;
  if (auto ec = llvm::sys::fs::createUniqueDirectory("kiln-compile", work))
    return module.emitError("cannot make a temporary folder: ") << ec.message();
  std::string workDir(work);
  auto cleanup = llvm::make_scope_exit([&] {
    if (opts.keepIntermediates)
      llvm::errs() << opts.tool << ": intermediates kept in " << workDir << "\n";
    else
      llvm::sys::fs::remove_directories(workDir);
  });

  stage("halide-codegen");
  std::vector<std::string> objects;
  {
    TimingScope t = timing.nest("halide-codegen");
    KernelProgress perKernel;
    if (opts.progress)
      perKernel = [&](unsigned done, unsigned total) { opts.progress("halide-codegen", done, total); };
    if (failed(emitHalideObjects(module, workDir, opts.name, objects,
                                 /*withRuntime=*/opts.halideRuntime.empty(), perKernel)))
      return failure();
  }
  stage("library");
  {
    TimingScope t = timing.nest("library");
    LibraryOptions lib{workDir, opts.name, opts.source, target.getValue().str(), target.isCuda()};
    if (!opts.halideRuntime.empty())
      objects.push_back(opts.halideRuntime);
    if (failed(emitLibrary(module, lib, objects)))
      return failure();
  }
  if (auto ec = llvm::sys::fs::create_directories(opts.outDir))
    return module.emitError("cannot create ") << opts.outDir << ": " << ec.message();
  for (const std::string &file : {"lib" + opts.name + ".a", opts.name + ".h"}) {
    std::string from = workDir + "/" + file, to = opts.outDir + "/" + file;
    // rename() within one file system; a copy across them (/tmp is often tmpfs).
    std::error_code ec = llvm::sys::fs::rename(from, to);
    if (ec)
      ec = llvm::sys::fs::copy_file(from, to);
    if (ec)
      return module.emitError("cannot write ") << to << ": " << ec.message();
  }
  return success();
}
