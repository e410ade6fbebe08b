// DiagnosticEngine: records diagnostics and formats them the way clang does.
#include "gpuc/support/diagnostics.h"

#include "gpuc/support/ice.h"

namespace gpuc {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Note:
      return "note";
    case Severity::Warning:
      return "warning";
    case Severity::Error:
      return "error";
    case Severity::Fatal:
      return "fatal error";
  }
  return "error";
}

Diagnostic& DiagnosticEngine::report(Severity severity, SourceLocation loc, std::string message) {
  if (severity == Severity::Warning) {
    if (suppress_warnings_) return discarded_ = Diagnostic{};
    if (werror_) severity = Severity::Error;
  }
  if (severity >= Severity::Error) {
    if (error_limit_ != 0 && error_count_ >= error_limit_) return discarded_ = Diagnostic{};
    ++error_count_;
    if (error_limit_ != 0 && error_count_ == error_limit_) {
      diags_.push_back({severity, loc, std::move(message), {}});
      diags_.push_back({Severity::Fatal, {}, "too many errors emitted, stopping now", {}});
      return diags_[diags_.size() - 2];
    }
  } else if (severity == Severity::Warning) {
    ++warning_count_;
  }
  diags_.push_back({severity, loc, std::move(message), {}});
  return diags_.back();
}

void DiagnosticEngine::note(Diagnostic& parent, SourceLocation loc, std::string message) {
  parent.notes.push_back({Severity::Note, loc, std::move(message), {}});
}

void DiagnosticEngine::clear() {
  diags_.clear();
  error_count_ = warning_count_ = 0;
}

void DiagnosticEngine::format_one(std::string& out, const Diagnostic& d, bool color) const {
  const char* bold = color ? "\033[1m" : "";
  const char* reset = color ? "\033[0m" : "";
  const char* sev_color = "";
  if (color) {
    switch (d.severity) {
      case Severity::Note:
        sev_color = "\033[1;30m";
        break;
      case Severity::Warning:
        sev_color = "\033[1;35m";
        break;
      default:
        sev_color = "\033[1;31m";
        break;
    }
  }
  out += bold;
  if (d.loc.valid()) {
    out += sources_ ? sources_->name(d.loc.file) : std::string("<input>");
    out += ':' + std::to_string(d.loc.line) + ':' + std::to_string(d.loc.col) + ": ";
  } else {
    out += "gpuc: ";
  }
  out += reset;
  out += sev_color;
  out += severity_name(d.severity);
  out += ": ";
  out += reset;
  out += bold;
  out += d.message;
  out += reset;
  out += '\n';
  if (d.loc.valid() && sources_) {
    std::string_view line = sources_->line_text(d.loc.file, d.loc.line);
    if (!line.empty() || d.loc.col == 1) {
      // Replace tabs by spaces for the caret to line up; cap very long lines around the column.
      std::string shown(line);
      size_t col = d.loc.col ? d.loc.col - 1 : 0;
      size_t start = 0;
      const size_t kMax = 200;
      if (shown.size() > kMax) {
        start = col > kMax / 2 ? col - kMax / 2 : 0;
        shown = shown.substr(start, kMax);
      }
      for (char& c : shown)
        if (c == '\t' || static_cast<unsigned char>(c) < 0x20) c = ' ';
      out += shown;
      out += '\n';
      out.append(col >= start ? col - start : 0, ' ');
      out += color ? "\033[1;32m^\033[0m\n" : "^\n";
    }
  }
  for (const Diagnostic& n : d.notes) format_one(out, n, color);
}

std::string DiagnosticEngine::format(const Diagnostic& d, bool color) const {
  std::string out;
  format_one(out, d, color);
  return out;
}

std::string DiagnosticEngine::format_all(bool color) const {
  std::string out;
  for (const Diagnostic& d : diags_) format_one(out, d, color);
  return out;
}

void report_ice(const char* file, int line, const char* condition, const std::string& message) {
  std::string text = "internal compiler error: " + message + " [" + condition + " at " + file +
                     ":" + std::to_string(line) + "]";
  throw InternalCompilerError(text);
}

}  // namespace gpuc
