#include "swarmex/engine/event.hpp"

namespace swarmex::engine {

void EventBuffer::grow() {
  slots_.resize(capacity_ * 2);
  capacity_ = slots_.size();
}

}  // namespace swarmex::engine
