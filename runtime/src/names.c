//===- names.c - Names and sizes of status codes and dtypes ---------------===//
//
// Public (kiln/runtime.h) and free of state: every other file may call them.
//
//===----------------------------------------------------------------------===//
#include "kiln/runtime.h"

const char *kiln_status_string(kiln_status_t status) {
  switch (status) {
  case KILN_OK: return "OK";
  case KILN_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
  case KILN_OUT_OF_RANGE: return "OUT_OF_RANGE";
  case KILN_RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
  case KILN_FAILED_PRECONDITION: return "FAILED_PRECONDITION";
  case KILN_INTERNAL: return "INTERNAL";
  case KILN_UNAVAILABLE: return "UNAVAILABLE";
  }
  return "UNKNOWN";
}

const char *kiln_dtype_name(kiln_dtype_t dtype) {
  switch (dtype) {
  case KILN_DTYPE_FLOAT32: return "float32";
  case KILN_DTYPE_UINT8: return "uint8";
  case KILN_DTYPE_INT8: return "int8";
  case KILN_DTYPE_INT16: return "int16";
  case KILN_DTYPE_INT32: return "int32";
  case KILN_DTYPE_INT64: return "int64";
  case KILN_DTYPE_BOOL: return "bool";
  case KILN_DTYPE_FLOAT16: return "float16";
  }
  return "unknown";
}

size_t kiln_dtype_size(kiln_dtype_t dtype) {
  switch (dtype) {
  case KILN_DTYPE_FLOAT32: return 4;
  case KILN_DTYPE_UINT8: return 1;
  case KILN_DTYPE_INT8: return 1;
  case KILN_DTYPE_INT16: return 2;
  case KILN_DTYPE_INT32: return 4;
  case KILN_DTYPE_INT64: return 8;
  case KILN_DTYPE_BOOL: return 1; // stored as uint8
  case KILN_DTYPE_FLOAT16: return 2;
  }
  return 0;
}
