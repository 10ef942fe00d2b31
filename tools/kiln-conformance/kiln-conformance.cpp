//===- kiln-conformance.cpp - Kiln against the ONNX backend test suite -===//
//
//   kiln-conformance [--table FILE] [--expect FILE [--expected-only]]
//                    [--write-expect FILE] [--only op1,op2] [--jobs N]
//                    [--timeout S] [ROOT...]
//
// Each ROOT is a folder of backend-test cases (model.onnx beside
// test_data_set_N/); the default is Debian's libonnx-testdata node,
// pytorch-converted, pytorch-operator and simple folders. The parent reads
// every model once: its op types (the row of the table), its symbolic input
// dims, and whether it uses a dtype out of Kiln's scope (double, string,
// bfloat16, complex, float8, 4-bit, or sequence/optional/map values). It
// compiles the Halide runtime object once, then forks one child per in-scope
// case, at most --jobs at a time (Halide compilation is not thread-safe, so
// processes rather than threads). A child compiles, links, loads, runs and
// compares its case (CaseRunner.cpp) and reports through a pipe; a child that
// crashes or runs past --timeout costs that case only ("crashed (signal N)",
// "timed out"). Each case is one of PASS, FAIL (a mismatch or a run error),
// COMPILE-ERROR (a bug), UNSUPPORTED (the importer lacks the op, dtype or
// form) or OUT-OF-SCOPE.
//
// --table writes the per-op markdown table (docs/conformance.md);
// --write-expect writes the passing cases; --expect FILE exits 1 when a case
// listed there does not pass (with --expected-only, only those cases run).
//
//===----------------------------------------------------------------------===//
#include "CaseRunner.h"

#include "compiler/Target/Halide/HalideTranslation.h"

#include "onnx/common/version.h"
#include "onnx/onnx_pb.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <map>
#include <poll.h>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace llvm;
using namespace kiln::conformance;
using Clock = std::chrono::steady_clock;

static cl::OptionCategory casesCategory("Case options");
static cl::OptionCategory runCategory("Compile and run options");
static cl::OptionCategory reportCategory("Report options");
static cl::list<std::string> roots(cl::Positional, cl::desc("[ROOT...]"), cl::cat(casesCategory));
static cl::opt<std::string> tablePath("table", cl::desc("write the per-op markdown table to FILE"),
                                      cl::value_desc("FILE"), cl::cat(reportCategory));
static cl::opt<std::string> expectPath("expect", cl::desc("exit 1 if a case listed in FILE does not pass"),
                                       cl::value_desc("FILE"), cl::cat(reportCategory));
static cl::opt<bool> expectedOnly("expected-only", cl::desc("run only the cases listed in the --expect file"),
                                  cl::cat(casesCategory));
static cl::opt<std::string> writeExpectPath("write-expect", cl::desc("write the passing cases to FILE"),
                                            cl::value_desc("FILE"), cl::cat(reportCategory));
static cl::list<std::string> only("only", cl::CommaSeparated, cl::value_desc("op,..."),
                                  cl::desc("run only these table rows (op types) or cases"),
                                  cl::cat(casesCategory));
static cl::opt<unsigned> jobs("jobs", cl::desc("cases run at once, each in a process (default: the cores)"),
                              cl::init(0), cl::cat(casesCategory));
static cl::alias jobsShort("j", cl::desc("alias for --jobs"), cl::aliasopt(jobs));
static cl::opt<double> timeoutSec("timeout", cl::desc("seconds one case may take"), cl::init(120),
                                  cl::cat(casesCategory));
static cl::opt<std::string> target("target", cl::desc("host or host-cuda"), cl::init("host"),
                                   cl::cat(runCategory));
static cl::opt<bool> fuse("fuse", cl::desc("run the fusion passes (--fuse=false: one kernel per op)"),
                          cl::init(true), cl::cat(runCategory));
static cl::opt<int> kernelThreads("kernel-threads",
                                  cl::desc("threads for a case's kernels (0: Halide's default)"), cl::init(1),
                                  cl::cat(runCategory));
static cl::opt<std::string> workDir("work-dir", cl::desc("build case N in DIR/N_<case> and keep it"),
                                    cl::value_desc("DIR"), cl::cat(runCategory));
static cl::opt<double> absTol("atol", cl::desc("absolute tolerance (ONNX's own: 1e-7)"), cl::init(1e-7),
                              cl::cat(runCategory));
static cl::opt<double> relTol("rtol", cl::desc("relative tolerance (ONNX's own: 1e-3)"), cl::init(1e-3),
                              cl::cat(runCategory));
static cl::opt<std::string> tolerancesPath(
    "tolerances", cl::desc("per-case atol overrides: lines 'CASE ATOL why' (cases fp32 cannot hold to --atol)"),
    cl::value_desc("FILE"), cl::cat(runCategory));
static cl::opt<bool> quiet("quiet", cl::desc("print only the cases that fail or do not compile"),
                           cl::cat(reportCategory));

namespace {

const char *const defaultRoots[] = {"node", "pytorch-converted", "pytorch-operator", "simple"};
constexpr const char *defaultRootDir = "/usr/share/libonnx-testdata/data/";
constexpr const char *regenerate = "bash scripts/conformance.sh";

struct Result {
  CaseResult r;
  double seconds = 0;
};

//===----------------------------------------------------------------------===//
// Reading the cases
//===----------------------------------------------------------------------===//

std::string dtypeName(int dtype) {
  static const char *const late[] = {"FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ",
                                     "UINT4", "INT4", "FLOAT4E2M1"};
  if (dtype >= 17 && dtype <= 23)
    return late[dtype - 17];
  return onnx::TensorProto_DataType_IsValid(dtype)
             ? onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(dtype))
             : "type " + std::to_string(dtype);
}

/// The dtype's name if Kiln leaves it out of scope, else "".
std::string outOfScopeDtype(int dtype) {
  // Kiln's element types are FLOAT, FLOAT16, INT64, INT32, INT8, UINT8 and
  // BOOL; the wider unsigned and 16-bit integers are out of scope with DOUBLE.
  bool out = dtype == 4 /*UINT16*/ || dtype == 5 /*INT16*/ || dtype == 8 /*STRING*/ ||
             dtype == 11 /*DOUBLE*/ || dtype == 12 /*UINT32*/ || (dtype >= 13 && dtype <= 23);
  return out ? dtypeName(dtype) : "";
}

std::string outOfScopeType(const onnx::TypeProto &t) {
  switch (t.value_case()) {
  case onnx::TypeProto::kTensorType: return outOfScopeDtype(t.tensor_type().elem_type());
  case onnx::TypeProto::kSequenceType: return "sequence";
  case onnx::TypeProto::kOptionalType: return "optional";
  case onnx::TypeProto::kMapType: return "map";
  case onnx::TypeProto::kSparseTensorType: return "sparse tensor";
  default: return "";
  }
}

/// The first out-of-scope dtype the graph's values, initializers or node
/// attributes (Cast's `to`, tensor attributes) use, or "".
std::string outOfScope(const onnx::GraphProto &g) {
  for (const auto *list : {&g.input(), &g.output(), &g.value_info()})
    for (const onnx::ValueInfoProto &v : *list)
      if (std::string why = outOfScopeType(v.type()); !why.empty())
        return why;
  for (const onnx::TensorProto &t : g.initializer())
    if (std::string why = outOfScopeDtype(t.data_type()); !why.empty())
      return why;
  for (const onnx::NodeProto &n : g.node())
    for (const onnx::AttributeProto &a : n.attribute()) {
      std::string why = a.has_t() ? outOfScopeDtype(a.t().data_type())
                        : (a.name() == "to" || a.name() == "dtype") && a.has_i() ? outOfScopeDtype((int)a.i())
                                                                                 : "";
      if (!why.empty())
        return why;
    }
  return "";
}

bool inspect(Case &c, std::string &err) {
  std::ifstream f(c.dir + "/model.onnx", std::ios::binary);
  onnx::ModelProto model;
  if (!f || !model.ParseFromIstream(&f)) {
    err = "cannot parse " + c.dir + "/model.onnx";
    return false;
  }
  const onnx::GraphProto &g = model.graph();
  StringSet<> inits, seen;
  for (const onnx::TensorProto &t : g.initializer())
    inits.insert(t.name());
  for (const onnx::NodeProto &n : g.node()) {
    bool standard = n.domain().empty() || n.domain() == "ai.onnx";
    std::string op = standard ? n.op_type() : n.domain() + "." + n.op_type();
    if (seen.insert(op).second)
      c.opTypes.push_back(op);
  }
  for (const onnx::ValueInfoProto &in : g.input()) {
    if (inits.contains(in.name()))
      continue;
    std::vector<std::string> params;
    for (const auto &d : in.type().tensor_type().shape().dim())
      params.push_back(d.has_dim_param() ? d.dim_param() : "");
    c.inputDimParams.push_back(std::move(params));
    c.inputNames.push_back(in.name());
  }
  c.outOfScope = outOfScope(g);
  return true;
}

std::string rootOf(const Case &c) { return StringRef(c.id).split('/').first.str(); }

/// The table row: the op type of a one-op model (Constant nodes aside); for
/// a node/ case, else the op of its non-expanded twin or the longest op name
/// (of `opNames`: lowercase, no underscores -> name) its name starts with;
/// else "<root>/test_<first word>" ("<root>/<name>" for test_operator_*).
std::string rowFor(const Case &c, const std::map<std::string, const Case *> &byId,
                   const std::map<std::string, std::string> &opNames) {
  std::vector<std::string> ops;
  for (const std::string &op : c.opTypes)
    if (op != "Constant")
      ops.push_back(op);
  if (ops.empty())
    ops = c.opTypes;
  if (ops.size() == 1)
    return ops[0];
  std::string root = rootOf(c);
  StringRef rest(c.name);
  rest.consume_front("test_");
  if (root == "node") {
    if (size_t p = c.name.find("_expanded"); p != std::string::npos) {
      auto it = byId.find(root + "/" + c.name.substr(0, p));
      if (it != byId.end() && it->second->opTypes.size() == 1)
        return it->second->opTypes[0];
    }
    std::string key = rest.lower();
    key.erase(std::remove(key.begin(), key.end(), '_'), key.end());
    std::string best;
    for (const auto &[lower, name] : opNames)
      if (StringRef(key).starts_with(lower) && lower.size() > best.size())
        best = name;
    if (!best.empty())
      return best;
  }
  if (rest.starts_with("operator_")) // pytorch-operator: each case its own row.
    return root + "/" + c.name;
  return root + "/test_" + rest.split('_').first.str();
}

std::vector<Case> discover(const std::vector<std::string> &dirs) {
  std::vector<Case> cases;
  for (const std::string &dir : dirs) {
    std::string rootName = sys::path::filename(StringRef(dir).rtrim('/')).str();
    std::error_code ec;
    for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec)) {
      if (!sys::fs::exists(it->path() + "/model.onnx"))
        continue;
      Case c;
      c.dir = it->path();
      c.name = sys::path::filename(c.dir).str();
      c.id = rootName + "/" + c.name;
      cases.push_back(std::move(c));
    }
    if (ec)
      errs() << "kiln-conformance: warning: cannot list " << dir << ": " << ec.message() << "\n";
  }
  std::sort(cases.begin(), cases.end(), [](const Case &a, const Case &b) { return a.id < b.id; });
  return cases;
}

std::set<std::string> readList(const std::string &path, bool &ok) {
  std::set<std::string> ids;
  auto buf = MemoryBuffer::getFile(path);
  ok = bool(buf);
  if (!ok)
    return ids;
  SmallVector<StringRef> lines;
  (*buf)->getBuffer().split(lines, '\n');
  for (StringRef l : lines)
    if (!(l = l.trim()).empty() && !l.starts_with("#"))
      ids.insert(l.str());
  return ids;
}

/// Lines "CASE ATOL why...": the cases whose fp32 result cannot meet --atol,
/// each with the reason written beside it.
std::map<std::string, double> readTolerances(const std::string &path, std::string &err) {
  std::map<std::string, double> atol;
  auto buf = MemoryBuffer::getFile(path);
  if (!buf) {
    err = "cannot read " + path;
    return atol;
  }
  SmallVector<StringRef> lines;
  (*buf)->getBuffer().split(lines, '\n');
  for (auto [i, l] : llvm::enumerate(lines)) {
    if ((l = l.trim()).empty() || l.starts_with("#"))
      continue;
    SmallVector<StringRef> f;
    l.split(f, ' ', 2, false);
    double v;
    if (f.size() < 3 || f[1].getAsDouble(v) || !(v > 0)) {
      err = path + ":" + std::to_string(i + 1) + ": expected 'CASE ATOL why', got '" + l.str() + "'";
      return atol;
    }
    atol[f[0].str()] = v;
  }
  return atol;
}

//===----------------------------------------------------------------------===//
// Running the cases, each in a child process
//===----------------------------------------------------------------------===//

void writeAll(int fd, const std::string &s) {
  for (size_t done = 0; done < s.size();) {
    ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n <= 0 && errno != EINTR)
      return;
    done += n > 0 ? n : 0;
  }
}

std::string oneLine(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  return StringRef(s).trim().str();
}

/// The process groups of the running children, for an interrupted parent to
/// kill (they are in groups of their own, so Ctrl-C does not reach them).
/// Sized before the first fork; a free slot is 0.
std::vector<pid_t> childGroups;

void killChildrenAndExit() {
  for (pid_t p : childGroups)
    if (p > 0)
      kill(-p, SIGKILL);
  signal(SIGINT, SIG_DFL);
  raise(SIGINT);
}

/// The child: run one case, report "S <stage>" lines and one "R <outcome> <message>".
[[noreturn]] void child(const Case &c, const std::string &dir, const RunSettings &s, int fd) {
  setpgid(0, 0);
  childGroups.clear(); // Its siblings are not its to kill.
  setenv("LLVM_DISABLE_SYMBOLIZATION", "1", 1); // A crash's stack trace, fast.
  sys::fs::create_directories(dir);
  int log = ::open((dir + "/log.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (log >= 0) {
    dup2(log, 1);
    dup2(log, 2);
    ::close(log);
  }
  RunSettings caseSettings = s;
  if (auto it = s.caseAtol.find(c.id); it != s.caseAtol.end())
    caseSettings.atol = it->second;
  CaseResult r = runCase(c, dir, caseSettings, [&](StringRef stage) { writeAll(fd, "S " + stage.str() + "\n"); });
  writeAll(fd, "R " + std::to_string((int)r.outcome) + " " + oneLine(r.message) + "\n");
  _exit(0);
}

struct Running {
  pid_t pid;
  int fd;
  size_t index;
  std::string dir, output;
  Clock::time_point start;
};

/// What a finished child reported, or why it reported nothing.
CaseResult collect(const Running &r, int status, bool timedOut) {
  std::string stage = "starting";
  SmallVector<StringRef> lines;
  StringRef(r.output).split(lines, '\n', -1, false);
  for (StringRef l : lines) {
    if (l.consume_front("S "))
      stage = l.str();
    else if (l.consume_front("R ")) {
      auto [code, msg] = l.split(' ');
      int o = 0;
      if (!code.getAsInteger(10, o) && o >= 0 && o <= (int)Outcome::OutOfScope)
        return {(Outcome)o, msg.str()};
    }
  }
  std::string where = " while " + (stage == "compile" ? "compiling"
                                   : stage == "link"  ? "linking"
                                   : stage == "run"   ? "running"
                                                      : stage);
  if (timedOut)
    return {Outcome::Fail, "timed out after " + formatv("{0}", timeoutSec.getValue()).str() + " s" + where};
  if (WIFSIGNALED(status))
    return {Outcome::Fail, "crashed (signal " + std::to_string(WTERMSIG(status)) + ")" + where};
  return {Outcome::Fail,
          "exited with status " + std::to_string(WEXITSTATUS(status)) + " and no result" + where};
}

void runAll(const std::vector<Case> &cases, const std::vector<size_t> &todo, const RunSettings &s,
            const std::string &work, std::vector<Result> &results,
            const std::function<void(size_t)> &report) {
  std::vector<Running> running;
  size_t next = 0;
  childGroups.assign(jobs, 0);
  sys::SetInterruptFunction(killChildrenAndExit);
  auto finish = [&](size_t k, bool timedOut) {
    Running r = running[k];
    running.erase(running.begin() + k);
    if (timedOut) {
      kill(-r.pid, SIGKILL);
      kill(r.pid, SIGKILL);
    }
    std::replace(childGroups.begin(), childGroups.end(), r.pid, 0);
    ::close(r.fd);
    int status = 0;
    while (waitpid(r.pid, &status, 0) < 0 && errno == EINTR) {
    }
    Result &res = results[r.index];
    res.r = collect(r, status, timedOut);
    res.seconds = std::chrono::duration<double>(Clock::now() - r.start).count();
    if (workDir.empty())
      sys::fs::remove_directories(r.dir);
    report(r.index);
  };
  while (next < todo.size() || !running.empty()) {
    while (running.size() < jobs && next < todo.size()) {
      size_t i = todo[next++];
      std::string dir = work + "/" + std::to_string(i) + "_" + cases[i].name;
      int fds[2];
      if (pipe2(fds, O_CLOEXEC) != 0) {
        results[i] = {{Outcome::Fail, "cannot make a pipe"}, 0};
        report(i);
        continue;
      }
      outs().flush();
      errs().flush();
      pid_t pid = fork();
      if (pid == 0) {
        ::close(fds[0]);
        child(cases[i], dir, s, fds[1]);
      }
      ::close(fds[1]);
      if (pid < 0) {
        ::close(fds[0]);
        results[i] = {{Outcome::Fail, "cannot fork"}, 0};
        report(i);
        continue;
      }
      setpgid(pid, pid);
      *std::find(childGroups.begin(), childGroups.end(), 0) = pid;
      running.push_back({pid, fds[0], i, dir, "", Clock::now()});
    }
    std::vector<pollfd> polls;
    for (const Running &r : running)
      polls.push_back({r.fd, POLLIN, 0});
    if (poll(polls.data(), polls.size(), 200) < 0 && errno != EINTR)
      break;
    for (size_t k = running.size(); k-- > 0;) {
      bool done = false;
      if (polls[k].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[4096];
        ssize_t n = ::read(running[k].fd, buf, sizeof buf);
        if (n > 0)
          running[k].output.append(buf, n);
        done = n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN);
      }
      if (done)
        finish(k, false);
      else if (std::chrono::duration<double>(Clock::now() - running[k].start).count() > timeoutSec)
        finish(k, true);
    }
  }
}

//===----------------------------------------------------------------------===//
// Reporting
//===----------------------------------------------------------------------===//

std::string cpuModel() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (StringRef(line).starts_with("model name"))
      return StringRef(line).split(':').second.trim().str();
  return "unknown CPU";
}

std::string isa() {
  std::string error;
  return kiln::resolveHalideTarget("host", /*profile=*/false, error);
}

struct Totals {
  int n[5] = {0, 0, 0, 0, 0};
  int &operator[](Outcome o) { return n[(int)o]; }
};

std::string totalsLine(Totals t) {
  return formatv("{0} passed, {1} failed, {2} compile errors, {3} unsupported, {4} out of scope",
                 t[Outcome::Pass], t[Outcome::Fail], t[Outcome::CompileError], t[Outcome::Unsupported],
                 t[Outcome::OutOfScope])
      .str();
}

/// "a, b, c": case names in a table cell.
std::string caseList(const std::vector<std::string> &names) {
  std::string s;
  for (const std::string &n : names)
    s += (s.empty() ? "" : ", ") + n;
  return s;
}

bool writeTable(const std::string &path, const std::vector<Case> &cases, const std::vector<Result> &results,
                const std::vector<size_t> &selected, Totals totals, const std::string &command,
                const std::string &timing) {
  std::error_code ec;
  raw_fd_ostream os(path, ec);
  if (ec) {
    errs() << "kiln-conformance: cannot write " << path << ": " << ec.message() << "\n";
    return false;
  }
  char date[32];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  os << "# ONNX backend-test conformance\n\n"
     << "Generated by `kiln-conformance` on " << date << "; regenerate with `" << regenerate << "`\n"
     << "(which runs `" << command << "`).\n\n"
     << "- Machine: " << cpuModel() << " (`" << isa() << "`), target `" << target << "`.\n"
     << "- Cases: the ONNX " << onnx::LAST_RELEASE_VERSION << " backend tests (Debian's libonnx-testdata).\n"
     << "- A case passes when every output of every data set has the expected dtype and shape and each\n"
     << "  element satisfies |a-b| <= " << format("%g", absTol.getValue()) << " + "
     << format("%g", relTol.getValue()) << "*|b| (ONNX's own tolerance is\n"
     << "  1e-7 + 1e-3*|b|; bool and integers: equal). Cases allowed a wider atol, each with the reason,\n"
     << "  are listed in `tests/conformance/tolerances.txt`"
     << (tolerancesPath.empty() ? " (not applied to this run)" : "") << ".\n"
     << "- Totals: " << totalsLine(totals) << ".\n"
     << "- Time: " << timing << ".\n\n"
     << "Out of scope: cases whose values are of a type outside Kiln's element types (FLOAT, FLOAT16,\n"
     << "INT64, INT32, INT8, UINT8, BOOL): double, string, int16, uint16, uint32, uint64, bfloat16,\n"
     << "complex, float8 or 4-bit, or sequences, optionals and maps. Unsupported: the importer lacks\n"
     << "the op or form. Compile error: anything else that stopped compilation (a\n"
     << "bug). Failed: a wrong result, a run error, a crash or a timeout. Rows are op types; a model\n"
     << "of several ops is listed under its folder and name (`pytorch-converted/test_GLU`). A case\n"
     << "whose shape-like input (Reshape's shape, Slice's starts, TopK's k) is fed at run time is\n"
     << "compiled once per data set with that input fixed (`kiln-compile --bind NAME=FILE.pb`); such\n"
     << "passes are named in the last column.\n\n"
     << "`" << regenerate << "` rebuilds `kiln-conformance` and rewrites this file and\n"
     << "`tests/conformance/expected_pass.txt`; the CTest test `conformance.suite` fails when any case\n"
     << "listed there (all four folders) stops passing. To look at one op or case: `build/bin/kiln-conformance --only Gather`\n"
     << "or `--only test_gather_0` (`--work-dir DIR` keeps each case's library and compiler log,\n"
     << "`--fuse=false` compiles one kernel per op).\n\n";

  auto caseless = [](const std::string &a, const std::string &b) {
    return StringRef(a).compare_insensitive(b) < 0;
  };
  std::map<std::string, std::vector<size_t>, decltype(caseless)> rows(caseless);
  for (size_t i : selected)
    rows[cases[i].row].push_back(i);
  os << "## Per op\n\n| op | passed | failed | compile error | unsupported | out of scope | notes |\n"
     << "|---|---:|---:|---:|---:|---:|---|\n";
  for (const auto &[row, idx] : rows) {
    Totals t;
    std::vector<std::string> bad[5], bound;
    for (size_t i : idx) {
      ++t[results[i].r.outcome];
      bad[(int)results[i].r.outcome].push_back(cases[i].name);
      if (results[i].r.outcome == Outcome::Pass && !results[i].r.message.empty())
        bound.push_back(cases[i].name);
    }
    std::string cell;
    if (!bound.empty())
      cell = "passed with shape inputs bound: " + caseList(bound);
    for (Outcome o : {Outcome::Fail, Outcome::CompileError, Outcome::Unsupported})
      if (!bad[(int)o].empty())
        cell += (cell.empty() ? "" : "; ") + std::string(outcomeName(o)) + ": " + caseList(bad[(int)o]);
    os << "| " << row << " | " << t[Outcome::Pass] << " | " << t[Outcome::Fail] << " | "
       << t[Outcome::CompileError] << " | " << t[Outcome::Unsupported] << " | " << t[Outcome::OutOfScope]
       << " | " << cell << " |\n";
  }

  os << "\n## Failures and compile errors\n\n";
  for (size_t i : selected)
    if (results[i].r.outcome == Outcome::Fail || results[i].r.outcome == Outcome::CompileError)
      os << "- " << outcomeName(results[i].r.outcome) << " `" << cases[i].id << "`: " << results[i].r.message
         << "\n";

  for (Outcome o : {Outcome::Unsupported, Outcome::OutOfScope}) {
    std::map<std::string, int> reasons;
    for (size_t i : selected)
      if (results[i].r.outcome == o)
        ++reasons[results[i].r.message];
    std::vector<std::pair<std::string, int>> sorted(reasons.begin(), reasons.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](auto &a, auto &b) { return a.second > b.second; });
    os << "\n## " << (o == Outcome::Unsupported ? "Unsupported, by reason" : "Out of scope, by dtype")
       << "\n\n| reason | cases |\n|---|---:|\n";
    for (const auto &[why, count] : sorted)
      os << "| " << why << " | " << count << " |\n";
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions({&casesCategory, &runCategory, &reportCategory});
  cl::ParseCommandLineOptions(argc, argv, "Run Kiln on ONNX backend-test cases and report per op\n");
  std::string command = "kiln-conformance";
  for (int i = 1; i < argc; ++i)
    command += " " + std::string(argv[i]);
  if (jobs == 0)
    jobs = std::max(1u, std::thread::hardware_concurrency());
  if (target != "host" && target != "host-cuda") {
    errs() << "kiln-conformance: unknown --target '" << target << "' (expected host or host-cuda)\n";
    return 2;
  }
  if (expectedOnly && expectPath.empty()) {
    errs() << "kiln-conformance: --expected-only needs --expect FILE\n";
    return 2;
  }

  std::vector<std::string> dirs(roots.begin(), roots.end());
  if (dirs.empty())
    for (const char *r : defaultRoots)
      dirs.push_back(std::string(defaultRootDir) + r);
  std::vector<Case> cases = discover(dirs);
  if (cases.empty()) {
    errs() << "kiln-conformance: no case folders (with model.onnx) under the roots\n";
    return 2;
  }
  std::set<std::string> expected;
  if (!expectPath.empty()) {
    bool ok;
    expected = readList(expectPath, ok);
    if (!ok) {
      errs() << "kiln-conformance: cannot read " << expectPath << "\n";
      return 2;
    }
  }

  // Inspect every case; choose the ones to run.
  std::map<std::string, const Case *> byId;
  std::vector<Result> results(cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    std::string err;
    if (!inspect(cases[i], err))
      results[i].r = {Outcome::CompileError, err};
    byId[cases[i].id] = &cases[i];
  }
  std::map<std::string, std::string> opNames; // The op types of one-op models.
  for (const Case &c : cases)
    if (c.opTypes.size() == 1)
      opNames[StringRef(c.opTypes[0]).lower()] = c.opTypes[0];
  std::set<std::string> rootNames;
  std::vector<size_t> selected, todo;
  for (size_t i = 0; i < cases.size(); ++i) {
    Case &c = cases[i];
    c.row = rowFor(c, byId, opNames);
    rootNames.insert(rootOf(c));
    if (expectedOnly && !expected.count(c.id))
      continue;
    if (!only.empty()) {
      auto match = [&](StringRef s) {
        return llvm::any_of(only, [&](const std::string &o) { return s.equals_insensitive(o); });
      };
      if (!match(c.row) && !match(c.name) && !match(c.id))
        continue;
    }
    selected.push_back(i);
    if (!results[i].r.message.empty())
      continue; // Unreadable model.
    if (!c.outOfScope.empty())
      results[i].r = {Outcome::OutOfScope, c.outOfScope};
    else
      todo.push_back(i);
  }

  // The shared Halide runtime, the C compiler, a work folder.
  RunSettings settings;
  settings.target = target;
  settings.fuse = fuse;
  settings.threads = kernelThreads;
  settings.atol = absTol;
  settings.rtol = relTol;
  if (!tolerancesPath.empty()) {
    std::string err;
    settings.caseAtol = readTolerances(tolerancesPath, err);
    if (!err.empty()) {
      errs() << "kiln-conformance: " << err << "\n";
      return 2;
    }
  }
  settings.runtimeLibrary = KILN_RUNTIME_LIBRARY;
  const char *ccEnv = getenv("CC");
  auto cc = sys::findProgramByName(ccEnv && *ccEnv ? ccEnv : "cc");
  if (!cc) {
    errs() << "kiln-conformance: no C compiler (cc or $CC) to link the cases\n";
    return 2;
  }
  settings.cc = *cc;
  SmallString<128> work(workDir);
  if (work.empty() && sys::fs::createUniqueDirectory("kiln-conformance", work)) {
    errs() << "kiln-conformance: cannot make a temporary folder\n";
    return 2;
  }
  sys::fs::create_directories(work);
  auto t0 = Clock::now();
  if (!todo.empty()) {
    settings.halideRuntime = std::string(work) + "/halide_runtime.o";
    std::string err, targetString = kiln::resolveHalideTarget(target, /*profile=*/false, err);
    if (targetString.empty() || failed(kiln::emitHalideRuntime(targetString, settings.halideRuntime, err))) {
      errs() << "kiln-conformance: " << err << "\n";
      return 2;
    }
  }

  Totals totals;
  auto report = [&](size_t i) {
    const CaseResult &r = results[i].r;
    ++totals[r.outcome];
    bool bad = r.outcome == Outcome::Fail || r.outcome == Outcome::CompileError;
    if (quiet && !bad)
      return;
    outs() << outcomeName(r.outcome) << " " << cases[i].id << (r.message.empty() ? "" : ": ") << r.message
           << "\n";
    outs().flush();
  };
  std::set<size_t> toRun(todo.begin(), todo.end());
  for (size_t i : selected)
    if (!toRun.count(i))
      report(i); // Out of scope, or an unreadable model.
  runAll(cases, todo, settings, std::string(work), results, report);
  double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  if (workDir.empty())
    sys::fs::remove_directories(work);

  // Totals and timing.
  double caseSeconds = 0;
  std::vector<size_t> ran;
  for (size_t i : todo) {
    caseSeconds += results[i].seconds;
    ran.push_back(i);
  }
  std::sort(ran.begin(), ran.end(),
            [&](size_t a, size_t b) { return results[a].seconds > results[b].seconds; });
  std::string timing = formatv("{0} cases run in {1:f1} s with {2} jobs, {3:f2} s per case", todo.size(),
                               wall, jobs.getValue(), todo.empty() ? 0.0 : caseSeconds / todo.size())
                           .str();
  outs() << "\n" << selected.size() << " cases: " << totalsLine(totals) << "\n" << timing << "\n";
  if (!ran.empty()) {
    outs() << "slowest:";
    for (size_t k = 0; k < ran.size() && k < 5; ++k)
      outs() << (k ? "," : "") << " " << cases[ran[k]].id << format(" (%.1f s)", results[ran[k]].seconds);
    outs() << "\n";
  }

  if (!tablePath.empty() && !writeTable(tablePath, cases, results, selected, totals, command, timing))
    return 2;
  if (!writeExpectPath.empty()) {
    std::error_code ec;
    raw_fd_ostream os(writeExpectPath, ec);
    if (ec) {
      errs() << "kiln-conformance: cannot write " << writeExpectPath << ": " << ec.message() << "\n";
      return 2;
    }
    os << "# The backend-test cases Kiln passes; a case listed here that stops passing is a\n"
       << "# regression (the conformance.suite test). Written by `" << regenerate << "`.\n";
    for (size_t i : selected)
      if (results[i].r.outcome == Outcome::Pass)
        os << cases[i].id << "\n";
  }

  // Regressions: listed cases that ran and did not pass, or vanished.
  if (expectPath.empty())
    return 0;
  int regressions = 0, newPasses = 0;
  std::set<std::string> seen;
  for (size_t i : selected) {
    seen.insert(cases[i].id);
    bool listed = expected.count(cases[i].id);
    const CaseResult &r = results[i].r;
    if (listed && r.outcome != Outcome::Pass) {
      outs() << "REGRESSION " << cases[i].id << ": " << outcomeName(r.outcome)
             << (r.message.empty() ? "" : " ") << r.message << "\n";
      ++regressions;
    }
    newPasses += !listed && r.outcome == Outcome::Pass;
  }
  for (const std::string &id : expected)
    if (only.empty() && !seen.count(id) && rootNames.count(StringRef(id).split('/').first.str())) {
      outs() << "REGRESSION " << id << ": the case is gone\n";
      ++regressions;
    }
  if (newPasses)
    outs() << newPasses << " cases pass that " << expectPath << " did not list\n";
  outs() << regressions << " regressions against " << expectPath << "\n";
  return regressions ? 1 : 0;
}
