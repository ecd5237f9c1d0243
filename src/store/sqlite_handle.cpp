// SQLite connection and statement wrappers for the store.
#include "store/sqlite_handle.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

#include <utility>

namespace soc::store {

Error sqlite_error(sqlite3* db, int code, std::string_view context) {
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  return Error{ErrorCode::kStoreError,
               fmt::format("{}: {} (sqlite code {})", context, detail, code)};
}

bool is_transient(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_PROTOCOL:
      return true;
    default:
      return false;
  }
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), bind_error_(other.bind_error_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_error_ = other.bind_error_;
  }
  return *this;
}

Result<Statement> Statement::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int code = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (code != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return std::unexpected(sqlite_error(db, code, "preparing a statement"));
  }
  return Statement(stmt);
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (bind_error_ == SQLITE_OK) bind_error_ = sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind_text(int index, std::string_view text) {
  if (bind_error_ == SQLITE_OK) {
    bind_error_ =
        sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  }
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  if (bind_error_ == SQLITE_OK) {
    // A null pointer would bind NULL rather than an empty blob.
    static const char kEmpty = 0;
    bind_error_ = sqlite3_bind_blob64(stmt_, index, bytes.empty() ? &kEmpty : bytes.data(),
                                      bytes.size(), SQLITE_STATIC);
  }
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (bind_error_ == SQLITE_OK) bind_error_ = sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::bind_optional(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

int Statement::step() {
  if (bind_error_ != SQLITE_OK) return bind_error_;
  return sqlite3_step(stmt_);
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = SQLITE_OK;
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

std::string_view Statement::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr) return {};
  return {data, static_cast<std::size_t>(size)};
}

std::string_view Statement::blob(int column) const {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr) return {};
  return {data, static_cast<std::size_t>(size)};
}

Connection::~Connection() {
  sqlite3_close_v2(db_);
}

Status Connection::open(const std::string& path) {
  // One Store per thread, so SQLite's own connection mutex is pure overhead.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int code = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (code != SQLITE_OK) {
    Error error = sqlite_error(db_, code, fmt::format("opening store '{}'", path));
    sqlite3_close_v2(db_);
    db_ = nullptr;
    return std::unexpected(std::move(error));
  }
  sqlite3_extended_result_codes(db_, 1);
  return {};
}

Status Connection::exec(const char* sql, std::string_view context) {
  const int code = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) return std::unexpected(sqlite_error(db_, code, context));
  return {};
}

Result<std::int64_t> Connection::query_int(const char* sql, std::string_view context) {
  auto stmt = Statement::prepare(db_, sql);
  if (!stmt) return std::unexpected(stmt.error());
  const int code = stmt->step();
  if (code == SQLITE_ROW) return stmt->int64(0);
  if (code == SQLITE_DONE) return 0;
  return std::unexpected(sqlite_error(db_, code, context));
}

Result<std::string> Connection::query_text(const char* sql, std::string_view context) {
  auto stmt = Statement::prepare(db_, sql);
  if (!stmt) return std::unexpected(stmt.error());
  const int code = stmt->step();
  if (code == SQLITE_ROW) return std::string(stmt->text(0));
  if (code == SQLITE_DONE) return std::string();
  return std::unexpected(sqlite_error(db_, code, context));
}

}  // namespace soc::store
