// Client: the drop copy request (operators).
#include "swarmex/client/client.hpp"

namespace swarmex::client {

void Client::subscribe_drop_copy(std::uint64_t from_seq) {
  if (from_seq > 1) refuse_old_position("drop copy", from_seq);
  emit(writer().finish(wire::CreateSubscribeDropCopy(writer().fbb(), from_seq)));
}

}  // namespace swarmex::client
