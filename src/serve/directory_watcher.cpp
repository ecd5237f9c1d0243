// Polling a directory for new alert files and appended lines.
#include "serve/directory_watcher.hpp"

#include <fmt/format.h>
#include <fnmatch.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/sha256.hpp"

namespace soc::serve {
namespace {

constexpr std::size_t kHeadBytes = 1024;           // identity digest of a file's beginning
constexpr std::size_t kMaxChunkBytes = 16u << 20;  // read per file per poll

Result<std::string> read_range(const std::string& path, std::uint64_t offset, std::size_t size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIoError, "cannot open " + path);
  in.seekg(static_cast<std::streamoff>(offset));
  std::string data(size, '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  data.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) return fail(ErrorCode::kIoError, "cannot read " + path);
  return data;
}

// Line files are read as they grow; anything else only whole.
bool is_line_file(std::string_view start) {
  const std::size_t end = start.find('\n');
  std::string_view first = start.substr(0, end);
  while (!first.empty() && (first.back() == '\r' || first.back() == ' ')) first.remove_suffix(1);
  switch (kind_of_record(first)) {
    case RecordKind::kCef:
      return true;
    case RecordKind::kJson:
      return !first.empty() && first.back() == '}' && first.find('{') == 0;
    default:
      return false;
  }
}

}  // namespace

struct DirectoryWatcher::Position {
  std::uint64_t offset = 0;
  std::size_t head_size = 0;
  std::string head_sha256;

  std::string encode() const {
    return nlohmann::json{{"offset", offset}, {"head_size", head_size}, {"head", head_sha256}}
        .dump();
  }
  static Position decode(const std::string& text) {
    Position p;
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_object()) {
      p.offset = json.value("offset", std::uint64_t{0});
      p.head_size = json.value("head_size", std::size_t{0});
      p.head_sha256 = json.value("head", std::string());
    }
    return p;
  }
};

DirectoryWatcher::DirectoryWatcher(WatchedDirectory config, const IntakeGate& gate,
                                   IntakeWriter& writer, Metrics& metrics)
    : config_(std::move(config)), gate_(gate), writer_(writer), metrics_(metrics) {
  if (!config_.format.empty()) format_ = source_format_from_string(config_.format);
}

DirectoryWatcher::~DirectoryWatcher() {
  stop();
}

bool DirectoryWatcher::read_file(const std::string& path, WatchPollReport& report) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return false;
  const std::string cursor_name =
      fmt::format("watch:{}:{}:{}", config_.path, static_cast<std::uint64_t>(info.st_dev),
                  static_cast<std::uint64_t>(info.st_ino));
  auto stored = writer_.read_cursor(cursor_name);
  if (!stored) {
    ++report.errors;
    return false;
  }
  Position position = *stored ? Position::decode(**stored) : Position{};
  const auto size = static_cast<std::uint64_t>(info.st_size);
  // Same inode, other content (truncated, or the inode reused by a new file): start over.
  if (position.offset > size) position = Position{};
  if (position.head_size > 0) {
    auto head = read_range(path, 0, position.head_size);
    if (!head || sha256_hex(*head) != position.head_sha256) position = Position{};
  }
  if (position.offset == size) return false;

  const std::size_t want =
      static_cast<std::size_t>(std::min<std::uint64_t>(size - position.offset, kMaxChunkBytes));
  auto chunk = read_range(path, position.offset, want);
  if (!chunk) {
    ++report.errors;
    ++metrics_.watch_errors;
    return false;
  }
  const auto modified =
      std::chrono::seconds(info.st_mtim.tv_sec) + std::chrono::nanoseconds(info.st_mtim.tv_nsec);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const bool settled = now - modified >= std::chrono::milliseconds(config_.settle_ms);

  std::size_t take = 0;
  std::string start_of_file;
  if (position.offset == 0) {
    start_of_file = chunk->substr(0, 4096);
  } else if (auto start = read_range(path, 0, 4096)) {
    start_of_file = std::move(*start);
  }
  if (is_line_file(start_of_file)) {
    const std::size_t last_newline = chunk->rfind('\n');
    if (last_newline != std::string::npos) take = last_newline + 1;
    // A last line without its newline is taken once the writer has clearly finished.
    if ((take < chunk->size() && settled) || (take == 0 && chunk->size() == kMaxChunkBytes))
      take = chunk->size();
  } else if (settled) {
    // A whole-document file over the chunk size becomes one oversized record, quarantined.
    take = chunk->size();
  }
  if (take == 0) return false;
  chunk->resize(take);

  Position next = position;
  next.offset = position.offset + take;
  if (next.head_size == 0) {
    auto head = read_range(
        path, 0, static_cast<std::size_t>(std::min<std::uint64_t>(next.offset, kHeadBytes)));
    if (head) {
      next.head_size = head->size();
      next.head_sha256 = sha256_hex(*head);
    }
  }
  const std::string ref = fmt::format("{}@{}", path, position.offset);
  GatedDelivery delivery = gate_.admit(*chunk, ref, format_);
  const std::string source = "watch:" + config_.path;
  for (const RecordRejection& r : delivery.rejected)
    metrics_.count_rejected(source, std::string(error_code_id(r.error.code)));
  const std::size_t records = delivery.alerts.size();
  auto submitted = writer_.submit(
      InboundBatch{source, std::move(delivery.alerts), CursorUpdate{cursor_name, next.encode()}});
  if (!submitted) return false;  // queue full: the position stays, read again next poll
  auto outcome = submitted->get();
  if (!outcome) {
    ++report.errors;
    ++metrics_.watch_errors;
    spdlog::warn("watch {}: {}", path, outcome.error().message);
    return false;
  }
  report.alerts += records;
  ++report.files_read;
  return true;
}

WatchPollReport DirectoryWatcher::poll_once() {
  WatchPollReport report;
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(config_.path, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".")) continue;  // editors' and rsync's temporary files
    if (::fnmatch(config_.pattern.c_str(), name.c_str(), 0) != 0) continue;
    files.push_back(entry.path().string());
  }
  if (ec) {
    ++report.errors;
    ++metrics_.watch_errors;
    return report;
  }
  std::sort(files.begin(), files.end());  // oldest-named first: rotated files sort by name
  for (const std::string& file : files) {
    // A file over the chunk size is read over several rounds.
    while (read_file(file, report)) {
    }
  }
  return report;
}

void DirectoryWatcher::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      poll_once();
      lock.lock();
      wake_.wait_for(lock, std::chrono::milliseconds(config_.poll_ms), [&] { return stopping_; });
    }
  });
}

void DirectoryWatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace soc::serve
