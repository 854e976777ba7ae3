// Fair share: a principal's orders per partition as OrderQuota counts them — from what it sends,
// ended by rejects, cancels and fills that leave nothing; resale requests count every leg.
#include <gtest/gtest.h>

#include "order_quota.hpp"

namespace swarmex::gateway {
namespace {

using engine::CommandKind;
using engine::EventKind;

void note(OrderQuota& q, EventKind kind, CommandKind command, engine::OrderId id,
          std::uint32_t partition, engine::Qty leaves = 0) {
  engine::Event e;
  e.kind = kind;
  e.command = command;
  ExecReport r{};
  r.order_id = id;
  r.leaves_qty = leaves;
  q.note(r, e, partition);
}

TEST(OrderQuota, CountsPerPartitionUntilEachOrderEnds) {
  OrderQuota q;
  q.add(1, 0);
  q.add(2, 0);
  q.add(3, 1);
  q.add(3, 1);  // counted once
  EXPECT_EQ(q.in(0), 2u);
  EXPECT_EQ(q.in(1), 1u);
  EXPECT_EQ(q.in(5), 0u);
  note(q, EventKind::Accepted, CommandKind::NewOrder, 1, 0);
  EXPECT_EQ(q.in(0), 2u) << "accepted: still counted";
  note(q, EventKind::Fill, CommandKind::NewOrder, 1, 0, /*leaves=*/3);
  EXPECT_EQ(q.in(0), 2u) << "a partial fill leaves it resting";
  note(q, EventKind::Fill, CommandKind::NewOrder, 1, 0, 0);
  EXPECT_EQ(q.in(0), 1u) << "filled";
  note(q, EventKind::Rejected, CommandKind::NewOrder, 2, 0);
  EXPECT_EQ(q.in(0), 0u) << "rejected";
  note(q, EventKind::Rejected, CommandKind::CancelOrder, 3, 1);
  EXPECT_EQ(q.in(1), 1u) << "a refused cancel of it ends nothing";
  note(q, EventKind::Cancelled, CommandKind::CancelOrder, 3, 1);
  EXPECT_EQ(q.in(1), 0u);
  EXPECT_EQ(q.size(), 0u);
  note(q, EventKind::Accepted, CommandKind::NewOrder, 9, 1);
  EXPECT_EQ(q.in(1), 1u) << "accepted before it was sent here (the agent's for its tenant)";
}

TEST(OrderQuota, AResaleCountsEveryLegAndARejectEndsThemAll) {
  OrderQuota q;
  q.add(10, 0, 3);
  q.add(13, 0);  // the next order id: not a leg of the request
  EXPECT_EQ(q.in(0), 4u);
  note(q, EventKind::Rejected, CommandKind::Resell, 10, 0);
  EXPECT_EQ(q.in(0), 1u) << "its three legs, and only them";
  q.add(20, 0, 2);
  note(q, EventKind::Accepted, CommandKind::Resell, 20, 0);
  note(q, EventKind::Cancelled, CommandKind::CancelOrder, 21, 0);
  EXPECT_EQ(q.in(0), 2u) << "accepted legs end one by one";
}

}  // namespace
}  // namespace swarmex::gateway
