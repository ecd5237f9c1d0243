// RAII owners for a SQLite connection and its prepared statements, with errors as values.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace soc::store {

// An error built from the connection's last failure, with `context` saying what we were doing.
Error sqlite_error(sqlite3* db, int code, std::string_view context);

// SQLite codes that a retry after a short wait can clear (lock contention, transient I/O).
bool is_transient(int code);

// Every stored value reaches SQL as a bound parameter; only integer settings are formatted
// into PRAGMAs, which take no parameters.
class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  static Result<Statement> prepare(sqlite3* db, std::string_view sql);

  // Binding stops at the first failure; the code is kept and returned by step().
  // Text and blobs are bound without copying: they must outlive the next step().
  Statement& bind(int index, std::int64_t value);
  Statement& bind_text(int index, std::string_view text);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);
  Statement& bind_optional(int index, const std::optional<std::int64_t>& value);

  int step();    // SQLITE_ROW, SQLITE_DONE or an error code
  void reset();  // ready for new bindings; keeps the compiled statement

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;
  // Exact stored bytes (embedded NULs and invalid UTF-8 included); valid until the next step().
  std::string_view text(int column) const;
  std::string_view blob(int column) const;

 private:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  sqlite3_stmt* stmt_ = nullptr;
  int bind_error_ = 0;
};

class Connection {
 public:
  Connection() = default;
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Status open(const std::string& path);
  sqlite3* get() const { return db_; }
  // Statements without parameters only (schema, pragmas, transaction control).
  Status exec(const char* sql, std::string_view context);
  Result<std::int64_t> query_int(const char* sql, std::string_view context);
  Result<std::string> query_text(const char* sql, std::string_view context);

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace soc::store
