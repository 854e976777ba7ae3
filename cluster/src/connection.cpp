#include "swarmex/cluster/connection.hpp"

#include "swarmex/cluster/error.hpp"
#include "swarmex/common/split_list.hpp"

namespace swarmex::cluster {

std::string describe(const std::string& what, int status, int js_code) {
  std::string s = what + ": " + natsStatus_GetText(static_cast<natsStatus>(status));
  const char* last = nats_GetLastError(nullptr);
  if (last != nullptr && *last != '\0') s += std::string(" (") + last + ")";
  if (js_code != 0) s += " [js " + std::to_string(js_code) + "]";
  return s;
}

void throw_nats(const std::string& what, int status, int js_code) {
  throw NatsError(describe(what, status, js_code), status, js_code);
}

std::vector<std::string> split_servers(const std::string& list) {
  return split_list(list);
}

Connection::Connection(const ConnectOptions& options) {
  if (options.servers.empty()) throw NatsError("nats: no server given", NATS_INVALID_ARG, 0);
  natsStatus s = natsOptions_Create(&opts_);
  if (s != NATS_OK) throw_nats("nats options", s);
  std::vector<const char*> urls;
  for (const auto& u : options.servers)
    urls.push_back(u.c_str());
  s = natsOptions_SetServers(opts_, urls.data(), static_cast<int>(urls.size()));
  if (s == NATS_OK) s = natsOptions_SetName(opts_, options.name.c_str());
  if (s == NATS_OK) s = natsOptions_SetTimeout(opts_, options.timeout_ms);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts_, options.reconnect_wait_ms);
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts_, options.max_reconnect);
  if (s == NATS_OK) s = natsOptions_SetRetryOnFailedConnect(opts_, false, nullptr, nullptr);
  if (s == NATS_OK) s = natsConnection_Connect(&nc_, opts_);
  if (s != NATS_OK) {
    natsOptions_Destroy(opts_);
    opts_ = nullptr;
    throw_nats("nats connect to " + options.servers.front(), s);
  }
}

Connection::~Connection() {
  if (nc_ != nullptr) {
    natsConnection_Close(nc_);
    natsConnection_Destroy(nc_);
  }
  if (opts_ != nullptr) natsOptions_Destroy(opts_);
}

bool Connection::connected() const noexcept {
  return natsConnection_Status(nc_) == NATS_CONN_STATUS_CONNECTED;
}

std::string Connection::connected_url() const {
  char buf[256] = {};
  if (natsConnection_GetConnectedUrl(nc_, buf, sizeof buf) != NATS_OK) return {};
  return buf;
}

JetStream::JetStream(Connection& connection, std::int64_t wait_ms)
    : connection_(connection), wait_ms_(wait_ms) {
  jsOptions o;
  jsOptions_Init(&o);
  o.Wait = wait_ms;
  const natsStatus s = natsConnection_JetStream(&js_, connection.get(), &o);
  if (s != NATS_OK) throw_nats("jetstream context", s);
}

JetStream::~JetStream() {
  if (js_ != nullptr) jsCtx_Destroy(js_);
}

}  // namespace swarmex::cluster
