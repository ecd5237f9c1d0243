// A blocking HTTP/1.1 test server on 127.0.0.1: scripted vendor replies and injected faults.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace soc::live::testing {

struct ServerRequest {
  std::string method;
  std::string target;  // path and query, as sent
  std::string path;
  std::string query;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::chrono::steady_clock::time_point received;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

enum class Fault {
  kNone,
  kTruncate,  // announce the full length, send half the body, close
  kDrop,      // close the connection without answering
  kHang,      // never answer (until the server stops)
};

struct Reply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  int delay_ms = 0;
  Fault fault = Fault::kNone;
};

inline Reply json_reply(int status, std::string body) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  reply.headers = {{"Content-Type", "application/json"}};
  return reply;
}

class LocalServer {
 public:
  using Handler = std::function<Reply(const ServerRequest&)>;

  LocalServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listener_, 256);
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~LocalServer() { stop(); }
  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  int port() const { return port_; }
  std::string root(const std::string& path = "") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // Routes by exact path; a scripted path answers its replies in turn, then repeats the last.
  void on(const std::string& path, Reply reply) { script(path, {std::move(reply)}); }
  void script(const std::string& path, std::vector<Reply> replies) {
    std::lock_guard lock(mutex_);
    routes_[path] = std::deque<Reply>(replies.begin(), replies.end());
  }
  void fallback(Handler handler) {
    std::lock_guard lock(mutex_);
    fallback_ = std::move(handler);
  }

  std::vector<ServerRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t count(const std::string& path_prefix = "") const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(
        std::count_if(requests_.begin(), requests_.end(),
                      [&](const ServerRequest& r) { return r.path.rfind(path_prefix, 0) == 0; }));
  }
  void clear_requests() {
    std::lock_guard lock(mutex_);
    requests_.clear();
  }

  void stop() {
    if (stopping_.exchange(true)) return;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    if (acceptor_.joinable()) acceptor_.join();
    {
      std::lock_guard lock(mutex_);
      for (int fd : open_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& worker : workers_)
      if (worker.joinable()) worker.join();
  }

 private:
  void accept_loop() {
    while (!stopping_) {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) {
        if (stopping_) return;
        continue;
      }
      int yes = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      std::lock_guard lock(mutex_);
      open_.push_back(fd);
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  static bool send_all(int fd, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  void sleep_unless_stopping(int ms) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!stopping_ && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }

  Reply route(const ServerRequest& request) {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    auto it = routes_.find(request.path);
    if (it != routes_.end() && !it->second.empty()) {
      Reply reply = it->second.front();
      if (it->second.size() > 1) it->second.pop_front();
      return reply;
    }
    if (fallback_) return fallback_(request);
    return json_reply(404, R"({"error":"no route in the test server"})");
  }

  // Forgets the descriptor before closing it, so stop() never shuts down a reused number.
  void finish(int fd) {
    std::lock_guard lock(mutex_);
    open_.erase(std::remove(open_.begin(), open_.end(), fd), open_.end());
    ::close(fd);
  }

  void serve(int fd) {
    std::string buffer;
    char chunk[16384];
    while (!stopping_) {
      std::size_t header_end;
      while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        const auto n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
          finish(fd);
          return;
        }
        buffer.append(chunk, static_cast<std::size_t>(n));
      }
      ServerRequest request;
      request.received = std::chrono::steady_clock::now();
      const std::string head = buffer.substr(0, header_end);
      buffer.erase(0, header_end + 4);
      std::size_t line_end = head.find("\r\n");
      const std::string request_line = head.substr(0, line_end);
      const auto first_space = request_line.find(' ');
      const auto second_space = request_line.find(' ', first_space + 1);
      request.method = request_line.substr(0, first_space);
      request.target = request_line.substr(first_space + 1, second_space - first_space - 1);
      const auto question = request.target.find('?');
      request.path = request.target.substr(0, question);
      if (question != std::string::npos) request.query = request.target.substr(question + 1);
      while (line_end != std::string::npos && line_end < head.size()) {
        const auto next = head.find("\r\n", line_end + 2);
        const std::string line = head.substr(line_end + 2, next - line_end - 2);
        line_end = next;
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        request.headers[name] = value;
      }
      const std::size_t length =
          std::strtoull(request.header("content-length").c_str(), nullptr, 10);
      while (buffer.size() < length) {
        const auto n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
          finish(fd);
          return;
        }
        buffer.append(chunk, static_cast<std::size_t>(n));
      }
      request.body = buffer.substr(0, length);
      buffer.erase(0, length);

      Reply reply = route(request);
      if (reply.delay_ms > 0) sleep_unless_stopping(reply.delay_ms);
      if (reply.fault == Fault::kHang) {
        sleep_unless_stopping(600'000);
        finish(fd);
        return;
      }
      if (reply.fault == Fault::kDrop) {
        finish(fd);
        return;
      }
      std::string response = "HTTP/1.1 " + std::to_string(reply.status) + " Status\r\n";
      for (const auto& [name, value] : reply.headers) response += name + ": " + value + "\r\n";
      response += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
      if (reply.fault == Fault::kTruncate) {
        response += "Connection: close\r\n\r\n" + reply.body.substr(0, reply.body.size() / 2);
        send_all(fd, response);
        finish(fd);
        return;
      }
      response += "\r\n" + reply.body;
      if (!send_all(fd, response)) {
        finish(fd);
        return;
      }
    }
    finish(fd);
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::vector<std::thread> workers_;
  std::vector<int> open_;
  mutable std::mutex mutex_;
  std::map<std::string, std::deque<Reply>> routes_;
  Handler fallback_;
  std::vector<ServerRequest> requests_;
};

}  // namespace soc::live::testing
