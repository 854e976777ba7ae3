#include "swarmex/engine/event.hpp"

namespace swarmex::engine {

void EventBuffer::grow() {
  entries_.resize(capacity_ * 2);
  capacity_ = entries_.size();
}

}  // namespace swarmex::engine
