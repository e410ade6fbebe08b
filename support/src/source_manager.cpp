// SourceManager: owns source buffers and maps byte offsets to line/column.
#include "gpuc/support/source_manager.h"

#include <algorithm>

namespace gpuc {

uint32_t SourceManager::add_buffer(std::string name, std::string text) {
  File f;
  f.name = std::move(name);
  f.text = std::move(text);
  f.line_starts.push_back(0);
  for (size_t i = 0; i < f.text.size(); ++i)
    if (f.text[i] == '\n') f.line_starts.push_back(static_cast<uint32_t>(i + 1));
  files_.push_back(std::move(f));
  return static_cast<uint32_t>(files_.size());
}

const SourceManager::File* SourceManager::get(uint32_t file) const {
  if (file == 0 || file > files_.size()) return nullptr;
  return &files_[file - 1];
}

const std::string& SourceManager::name(uint32_t file) const {
  static const std::string unknown = "<unknown>";
  const File* f = get(file);
  return f ? f->name : unknown;
}

std::string_view SourceManager::text(uint32_t file) const {
  const File* f = get(file);
  return f ? std::string_view(f->text) : std::string_view();
}

std::string_view SourceManager::line_text(uint32_t file, uint32_t line) const {
  const File* f = get(file);
  if (!f || line == 0 || line > f->line_starts.size()) return {};
  size_t begin = f->line_starts[line - 1];
  size_t end = line < f->line_starts.size() ? f->line_starts[line] - 1 : f->text.size();
  std::string_view s(f->text.data() + begin, end - begin);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

SourceLocation SourceManager::location(uint32_t file, size_t offset) const {
  const File* f = get(file);
  if (!f) return {};
  auto it = std::upper_bound(f->line_starts.begin(), f->line_starts.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - f->line_starts.begin());
  uint32_t col = static_cast<uint32_t>(offset - f->line_starts[line - 1]) + 1;
  return {file, line, col};
}

}  // namespace gpuc
