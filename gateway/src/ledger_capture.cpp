#include "ledger_capture.hpp"

namespace swarmex::gateway {

LedgerCapture::LedgerCapture(StreamLedger& ledger) : ledger_(&ledger) {
  copy_.owners = ledger.owners_;
  copy_.counts = ledger.counts_;
  copy_.max_order_id = ledger.max_order_id_;
  windows_.reserve(ledger.windows_.size());
  for (const DedupWindow& w : ledger.windows_) {
    windows_.push_back(Window{w.dropped(), w.dropped() + w.size(), {}});
    windows_.back().copied.reserve(w.size());
  }
  ledger.capture_ = this;
}

LedgerCapture::~LedgerCapture() {
  release();
}

void LedgerCapture::release() noexcept {
  if (ledger_ != nullptr && ledger_->capture_ == this) ledger_->capture_ = nullptr;
  ledger_ = nullptr;
}

void LedgerCapture::forgetting(std::size_t w, const EndedOrder& gone) {
  // Steps copy each window from its oldest entry, and a window forgets from its oldest: the one
  // forgotten is the next to copy, or was copied already.
  Window& win = windows_[w];
  if (win.next < win.end && win.next == ledger_->windows_[w].dropped()) {
    win.copied.push_back(gone);
    ++win.next;
  }
}

bool LedgerCapture::step(const engine::SnapshotCapture& orders, const engine::EngineSnapshot& snap,
                         std::uint32_t budget) {
  if (ledger_ == nullptr) return true;
  std::uint32_t left = budget < 1 ? 1 : budget;
  for (; window_ < windows_.size() && left > 0; ++window_) {
    Window& win = windows_[window_];
    const DedupWindow& now = ledger_->windows_[window_];
    for (; win.next < win.end && left > 0; ++win.next, --left)
      win.copied.push_back(now.ended()[static_cast<std::size_t>(win.next - now.dropped())]);
    if (win.next < win.end) return false;
  }
  const std::size_t resting = orders.orders.size() + snap.swarms.size();
  copy_.orders.reserve(resting);
  for (; order_ < resting && left > 0; ++order_, --left) {
    const engine::OrderId id = order_ < orders.orders.size()
                                   ? orders.orders[order_].order.id
                                   : snap.swarms[order_ - orders.orders.size()].order.order_id;
    if (const auto it = ledger_->orders_.find(id); it != ledger_->orders_.end())
      copy_.orders.emplace_back(id, it->second);
  }
  if (order_ < resting) return false;
  release();
  return true;
}

std::vector<std::uint8_t> LedgerCapture::encode(const engine::EngineSnapshot& snap) {
  std::size_t n = 0;
  for (const Window& w : windows_)
    n += w.copied.size();
  copy_.ended.clear();
  copy_.ended.reserve(n);
  for (std::size_t i = 0; i < windows_.size(); ++i)
    for (const EndedOrder& e : windows_[i].copied)
      copy_.ended.emplace_back(copy_.owners[i], e);
  return StreamLedger::encode_copy(std::move(copy_), snap);
}

}  // namespace swarmex::gateway
