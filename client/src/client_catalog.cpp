// Client: the catalog (any principal) and a principal's own resting orders and holdings.
#include "swarmex/client/client.hpp"

namespace swarmex::client {

void Client::catalog(std::uint64_t request_id, std::string_view pool, std::string_view resource) {
  auto& b = writer().fbb();
  const auto p = pool.empty() ? 0 : b.CreateString(pool);
  const auto r = resource.empty() ? 0 : b.CreateString(resource);
  emit(writer().finish(wire::CreateCatalogRequest(b, request_id, p, r)));
}

void Client::orders(std::uint64_t request_id, std::string_view tenant) {
  auto& b = writer().fbb();
  const auto t = tenant.empty() ? 0 : b.CreateString(tenant);
  emit(writer().finish(wire::CreateOrdersRequest(b, request_id, t)));
}

void Client::holdings(std::uint64_t request_id, std::string_view tenant) {
  auto& b = writer().fbb();
  const auto t = tenant.empty() ? 0 : b.CreateString(tenant);
  emit(writer().finish(wire::CreateHoldingsRequest(b, request_id, t)));
}

}  // namespace swarmex::client
