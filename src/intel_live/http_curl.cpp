// The libcurl-multi HttpClient: parallel transfers, follow-ups, deadline, size cap, egress guard.
#include <curl/curl.h>

#include <algorithm>
#include <mutex>
#include <queue>

#include <fmt/format.h>

#include "core/strings.hpp"
#include "intel_live/http.hpp"

namespace soc::live {
namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlUrl {
  CURLU* handle = curl_url();
  ~CurlUrl() { curl_url_cleanup(handle); }
  std::optional<std::string> part(CURLUPart what, unsigned flags = 0) const {
    char* value = nullptr;
    if (curl_url_get(handle, what, &value, flags) != CURLUE_OK || value == nullptr)
      return std::nullopt;
    std::string out(value);
    curl_free(value);
    return out;
  }
};

// One transfer in flight: the request, what came back so far, and the curl handles.
struct Slot {
  std::size_t index = 0;
  HttpRequest request;
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  std::string body;
  std::string retry_after;
  std::string content_type;
  bool too_large = false;
  SteadyTime started{};
  bool done = false;

  void release(CURLM* multi) {
    if (easy != nullptr) {
      curl_multi_remove_handle(multi, easy);
      curl_easy_cleanup(easy);
      easy = nullptr;
    }
    if (header_list != nullptr) {
      curl_slist_free_all(header_list);
      header_list = nullptr;
    }
  }
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* slot = static_cast<Slot*>(user);
  const std::size_t bytes = size * count;
  if (slot->body.size() + bytes > slot->request.max_response_bytes) {
    slot->too_large = true;
    return 0;  // makes curl abort the transfer with CURLE_WRITE_ERROR
  }
  slot->body.append(data, bytes);
  return bytes;
}

// Keeps only the two headers the clients act on; nothing else is retained or shown.
std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* slot = static_cast<Slot*>(user);
  const std::size_t bytes = size * count;
  const std::string_view line(data, bytes);
  if (starts_with_icase(line, "HTTP/")) {  // a new response (after 100 Continue, say) starts over
    slot->retry_after.clear();
    slot->content_type.clear();
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  const std::string_view name = trim(line.substr(0, colon));
  const std::string_view value = trim(line.substr(colon + 1));
  if (iequals(name, "Retry-After")) slot->retry_after = std::string(value.substr(0, 64));
  if (iequals(name, "Content-Type")) slot->content_type = std::string(value.substr(0, 128));
  return bytes;
}

Transfer transfer_of(CURLcode code, bool too_large) {
  switch (code) {
    case CURLE_OK:
      return Transfer::kCompleted;
    case CURLE_OPERATION_TIMEDOUT:
      return Transfer::kTimedOut;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return Transfer::kConnectFailed;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2_STREAM:
      return Transfer::kInterrupted;
    case CURLE_WRITE_ERROR:
      return too_large ? Transfer::kTooLarge : Transfer::kFailed;
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Transfer::kRefused;
    default:
      return Transfer::kFailed;
  }
}

class CurlClient final : public HttpClient {
 public:
  CurlClient(EgressPolicy policy, CurlClientOptions options)
      : policy_(std::move(policy)), options_(std::move(options)) {
    global_init_once();
  }
  ~CurlClient() override {
    for (CURLM* multi : idle_) curl_multi_cleanup(multi);
  }

  void run(std::vector<HttpRequest> requests, SteadyTime deadline, const Continue& next) override {
    CURLM* multi = acquire();
    std::vector<Slot> slots(requests.size());
    using Start = std::pair<SteadyTime, std::size_t>;
    std::priority_queue<Start, std::vector<Start>, std::greater<>> waiting;
    std::size_t open = slots.size();

    auto finish = [&](Slot& slot, HttpResponse& response) {
      slot.release(multi);
      std::optional<HttpRequest> follow = next(slot.index, response);
      if (follow && response.transfer != Transfer::kDeadline) {
        slot.request = std::move(*follow);
        waiting.emplace(SteadyClock::now() + slot.request.start_delay, slot.index);
        return;
      }
      slot.done = true;
      --open;
    };
    auto fail_now = [&](Slot& slot, Transfer transfer, std::string error) {
      HttpResponse response;
      response.transfer = transfer;
      response.error = std::move(error);
      finish(slot, response);
    };
    auto start = [&](Slot& slot) {
      slot.body.clear();
      slot.retry_after.clear();
      slot.content_type.clear();
      slot.too_large = false;
      if (!policy_.allows(slot.request.url)) {
        fail_now(slot, Transfer::kRefused,
                 "egress guard: destination is not a configured API root");
        return;
      }
      if (!configure(slot)) {
        fail_now(slot, Transfer::kFailed, "cannot prepare the request");
        return;
      }
      slot.started = SteadyClock::now();
      curl_multi_add_handle(multi, slot.easy);
    };

    for (std::size_t i = 0; i < slots.size(); ++i) {
      slots[i].index = i;
      slots[i].request = std::move(requests[i]);
      waiting.emplace(SteadyClock::now() + slots[i].request.start_delay, i);
    }

    while (open > 0) {
      const SteadyTime now = SteadyClock::now();
      if (now >= deadline) break;
      while (!waiting.empty() && waiting.top().first <= now) {
        const std::size_t index = waiting.top().second;
        waiting.pop();
        start(slots[index]);
      }
      int running = 0;
      curl_multi_perform(multi, &running);
      int queued = 0;
      while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
        if (message->msg != CURLMSG_DONE) continue;
        Slot* slot = nullptr;
        curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &slot);
        if (slot == nullptr) continue;
        HttpResponse response = collect(*slot, message->data.result);
        finish(*slot, response);
      }
      if (open == 0) break;
      auto wait = deadline - SteadyClock::now();
      if (!waiting.empty()) wait = std::min(wait, waiting.top().first - SteadyClock::now());
      const auto wait_ms =
          std::clamp<long long>(std::chrono::duration_cast<Milliseconds>(wait).count(), 0, 1000);
      if (running > 0 || wait_ms > 0)
        curl_multi_poll(multi, nullptr, 0, static_cast<int>(wait_ms), nullptr);
    }

    for (Slot& slot : slots) {
      if (slot.done) continue;
      HttpResponse response;
      response.transfer = Transfer::kDeadline;
      response.error = "no answer before the deadline";
      response.elapsed =
          std::chrono::duration_cast<Milliseconds>(SteadyClock::now() - slot.started);
      slot.release(multi);
      next(slot.index, response);
      slot.done = true;
    }
    release(multi);
  }

 private:
  bool configure(Slot& slot) {
    slot.easy = curl_easy_init();
    if (slot.easy == nullptr) return false;
    CURL* easy = slot.easy;
    const HttpRequest& request = slot.request;
    const bool plain_http = starts_with_icase(request.url, "http://");
    curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, plain_http ? "http" : "https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 0L);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_VERBOSE, 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(easy, CURLOPT_PROXY, options_.proxy.c_str());
    curl_easy_setopt(easy, CURLOPT_NOPROXY, options_.proxy.empty() ? "*" : "");
    curl_easy_setopt(easy, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(
        easy, CURLOPT_CONNECTTIMEOUT_MS,
        static_cast<long>(std::min(options_.connect_timeout, request.timeout).count()));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &slot);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &slot);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, &slot);
    for (const auto& [name, value] : request.headers)
      slot.header_list =
          curl_slist_append(slot.header_list, fmt::format("{}: {}", name, value).c_str());
    if (request.method == "POST") {
      curl_easy_setopt(easy, CURLOPT_POST, 1L);
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
      curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
      // No "Expect: 100-continue" round trip: bodies are small and the deadline is short.
      slot.header_list = curl_slist_append(slot.header_list, "Expect:");
    } else if (request.method != "GET") {
      return false;
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, slot.header_list);
    return true;
  }

  static HttpResponse collect(Slot& slot, CURLcode code) {
    HttpResponse response;
    response.transfer = transfer_of(code, slot.too_large);
    response.elapsed = std::chrono::duration_cast<Milliseconds>(SteadyClock::now() - slot.started);
    if (response.transfer == Transfer::kCompleted) {
      long status = 0;
      curl_easy_getinfo(slot.easy, CURLINFO_RESPONSE_CODE, &status);
      response.status = static_cast<int>(status);
      response.body = std::move(slot.body);
      response.retry_after = std::move(slot.retry_after);
      response.content_type = std::move(slot.content_type);
    } else if (response.transfer == Transfer::kTooLarge) {
      response.error = fmt::format("response over {} bytes", slot.request.max_response_bytes);
    } else {
      // curl's generic text for the code, not its error buffer: the buffer can quote the URL.
      response.error = curl_easy_strerror(code);
    }
    return response;
  }

  CURLM* acquire() {
    {
      std::lock_guard lock(pool_mutex_);
      if (!idle_.empty()) {
        CURLM* multi = idle_.back();
        idle_.pop_back();
        return multi;
      }
    }
    return curl_multi_init();
  }
  void release(CURLM* multi) {
    std::lock_guard lock(pool_mutex_);
    idle_.push_back(multi);  // keeps its connection cache: the next batch reuses the connections
  }

  EgressPolicy policy_;
  CurlClientOptions options_;
  std::mutex pool_mutex_;
  std::vector<CURLM*> idle_;
};

}  // namespace

std::string_view to_string(Transfer transfer) {
  switch (transfer) {
    case Transfer::kCompleted:
      return "completed";
    case Transfer::kTimedOut:
      return "timed out";
    case Transfer::kDeadline:
      return "deadline";
    case Transfer::kConnectFailed:
      return "connect failed";
    case Transfer::kInterrupted:
      return "interrupted";
    case Transfer::kTooLarge:
      return "too large";
    case Transfer::kRefused:
      return "refused";
    case Transfer::kFailed:
      return "failed";
  }
  return "failed";
}

bool is_transient(Transfer transfer) {
  return transfer == Transfer::kConnectFailed || transfer == Transfer::kInterrupted;
}

std::string Origin::text() const {
  return fmt::format("{}://{}:{}", scheme, host, port);
}

Result<Origin> origin_of(std::string_view url) {
  global_init_once();
  CurlUrl parsed;
  if (parsed.handle == nullptr) return fail(ErrorCode::kIoError, "out of memory");
  const std::string text(url);
  if (curl_url_set(parsed.handle, CURLUPART_URL, text.c_str(), 0) != CURLUE_OK)
    return fail(ErrorCode::kInvalidArgument, "not an absolute URL");
  auto scheme = parsed.part(CURLUPART_SCHEME);
  auto host = parsed.part(CURLUPART_HOST);
  auto port = parsed.part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (!scheme || !host || !port) return fail(ErrorCode::kInvalidArgument, "URL without a host");
  Origin out;
  out.scheme = to_lower(*scheme);
  if (out.scheme != "https" && out.scheme != "http")
    return fail(ErrorCode::kInvalidArgument, "only https:// and http:// roots are supported");
  if (parsed.part(CURLUPART_USER) || parsed.part(CURLUPART_PASSWORD))
    return fail(ErrorCode::kInvalidArgument, "credentials in a URL are not accepted");
  out.host = to_lower(*host);
  out.port = std::atoi(port->c_str());
  return out;
}

Status EgressPolicy::allow_root(std::string_view root_url) {
  auto origin = origin_of(root_url);
  if (!origin) return std::unexpected(origin.error());
  origins_.insert(origin->text());
  return {};
}

bool EgressPolicy::allows(std::string_view url) const {
  auto origin = origin_of(url);
  return origin && origins_.contains(origin->text());
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  return out;
}

std::unique_ptr<HttpClient> make_curl_client(EgressPolicy policy, CurlClientOptions options) {
  return std::make_unique<CurlClient>(std::move(policy), std::move(options));
}

}  // namespace soc::live
