// One real 3-node NATS JetStream cluster shared by a test suite (started once: a cluster takes a
// few seconds to elect its meta leader), each test on streams and buckets of its own names.
// Without nats-server every test is skipped, saying why.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "nats_cluster.hpp"
#include "swarmex/cluster/connection.hpp"

namespace swarmex::testing {

class NatsClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (tools::find_nats_server().empty()) return;
    cluster_ = std::make_unique<tools::NatsCluster>(3, "swx-test");
  }
  static void TearDownTestSuite() { cluster_.reset(); }

  void SetUp() override {
    if (!cluster_)
      GTEST_SKIP() << "nats-server not found (install the Debian package nats-server, or set "
                      "SWARMEX_NATS_SERVER): the cluster tests need a real NATS cluster";
    cluster::ConnectOptions o;
    o.servers = cluster::split_servers(cluster_->urls());
    conn_ = std::make_unique<cluster::Connection>(o);
    js_ = std::make_unique<cluster::JetStream>(*conn_, 2000);
  }
  void TearDown() override {
    js_.reset();
    conn_.reset();
  }

  // A name no other test of the run uses.
  static std::string unique(const std::string& base) {
    return base + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  static inline std::unique_ptr<tools::NatsCluster> cluster_;
  std::unique_ptr<cluster::Connection> conn_;
  std::unique_ptr<cluster::JetStream> js_;
};

}  // namespace swarmex::testing
