//===- ExternalData.cpp - Initializer bytes from a file beside the model --===//
//
// A model file is untrusted: its external_data entries name a file and a byte
// range, and a crafted one would otherwise copy any readable file of the build
// machine into the library it ships. So the location must be a relative path
// that stays inside the model's folder, after symlinks are resolved, and the
// range must lie inside that file.
//
//===----------------------------------------------------------------------===//
#include "compiler/Import/Onnx/ExternalData.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "onnx/onnx_pb.h"

using namespace llvm;

namespace kiln {

namespace {

/// A decimal byte count: digits only, no sign, no overflow.
bool parseCount(StringRef text, uint64_t &value) {
  if (text.empty() || text.size() > 20 || !llvm::all_of(text, [](char c) { return llvm::isDigit(c); }))
    return false;
  return !text.getAsInteger(10, value);
}

/// `path` is `dir` itself or lies below it (both already made real).
bool isInside(StringRef path, StringRef dir) {
  if (!path.starts_with(dir))
    return false;
  return path.size() == dir.size() || dir.ends_with("/") || path[dir.size()] == '/';
}

} // namespace

std::optional<std::string> readExternalData(const onnx::TensorProto &t, StringRef modelDir,
                                            StringRef valueName, uint64_t bytes,
                                            std::string &error) {
  auto fail = [&](const Twine &why) -> std::optional<std::string> {
    error = ("'" + valueName + "' has external data " + why).str();
    return std::nullopt;
  };
  std::optional<std::string> location;
  std::optional<uint64_t> offset, length;
  for (const auto &kv : t.external_data()) {
    const std::string &key = kv.key(), &value = kv.value();
    if (key == "location") {
      if (location)
        return fail("with two locations");
      location = value;
    } else if (key == "offset" || key == "length") {
      std::optional<uint64_t> &slot = key == "offset" ? offset : length;
      uint64_t n;
      if (slot)
        return fail("with two " + key + "s");
      if (!parseCount(value, n))
        return fail("whose " + key + " '" + value + "' is not a byte count");
      slot = n;
    } else if (key != "checksum") { // checksum: informative, not checked
      return fail("with an unknown key '" + key + "'");
    }
  }
  if (!location || location->empty())
    return fail("without a location");
  StringRef loc(*location);
  if (loc.contains('\0'))
    return fail("at a location with a NUL byte");
  if (sys::path::is_absolute(loc, sys::path::Style::posix))
    return fail("at the absolute path '" + loc + "'; it must be relative to the model's folder");
  for (auto it = sys::path::begin(loc), e = sys::path::end(loc); it != e; ++it)
    if (*it == "..")
      return fail("at '" + loc + "': '..' is refused, the data must stay inside the model's folder");
  if (length && *length != bytes)
    return fail("of " + Twine(*length) + " bytes, expected " + Twine(bytes));

  // Symlinks are followed, then the real path must still be inside the real folder.
  SmallString<256> dir(modelDir.empty() ? "." : modelDir), realDir, file, realFile;
  if (sys::fs::real_path(dir, realDir))
    return fail("at '" + loc + "': cannot resolve the model's folder '" + dir + "'");
  file = realDir;
  sys::path::append(file, loc);
  if (std::error_code ec = sys::fs::real_path(file, realFile))
    return fail("at '" + loc + "', which cannot be read: " + ec.message());
  if (!isInside(realFile, realDir))
    return fail("at '" + loc + "', a link that leads outside the model's folder");
  sys::fs::file_status st;
  if (std::error_code ec = sys::fs::status(realFile, st))
    return fail("at '" + loc + "', which cannot be read: " + ec.message());
  if (st.type() != sys::fs::file_type::regular_file)
    return fail("at '" + loc + "', which is not a regular file");
  uint64_t start = offset.value_or(0), size = st.getSize();
  if (start > size || bytes > size - start)
    return fail("at '" + loc + "' bytes [" + Twine(start) + ", " + Twine(start) + " + " +
                Twine(bytes) + "), past the end of the file (" + Twine(size) + " bytes)");

  auto buf = MemoryBuffer::getFileSlice(realFile, bytes, start, /*IsVolatile=*/true);
  if (!buf || (*buf)->getBufferSize() != bytes)
    return fail("at '" + loc + "', which cannot be read: " +
                (buf ? std::string("short read") : buf.getError().message()));
  return std::string((*buf)->getBufferStart(), bytes);
}

} // namespace kiln
