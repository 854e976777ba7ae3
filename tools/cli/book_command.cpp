#include "book_command.hpp"

#include <fmt/format.h>

#include <memory>

#include "connection.hpp"

namespace swarmex::cli {
namespace {

struct BookOptions {
  ConnectionOptions connection;
  std::uint32_t instrument = 0;
  std::uint32_t depth = 10;
  double follow_s = 0;
};

int run_book(const BookOptions& o) {
  Session session(o.connection, wire::Role::Tenant);
  const std::uint32_t instruments[] = {o.instrument};
  session.client().subscribe_market_data(instruments, o.depth);

  const auto snapshot_deadline = Clock::now() + std::chrono::milliseconds(o.connection.timeout_ms);
  for (;;) {
    const wire::Message* m = session.next(snapshot_deadline);
    if (m == nullptr)
      throw CliError(fmt::format("no book snapshot of instrument {} within {} ms", o.instrument,
                                 o.connection.timeout_ms));
    if (const auto* s = m->body_as_BookSnapshot();
        s != nullptr && s->instrument() == o.instrument) {
      session.print(*m);
      break;
    }
  }
  if (o.follow_s <= 0) return kExitOk;

  const auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(o.follow_s));
  while (const wire::Message* m = session.next(end)) {
    switch (m->body_type()) {
      case wire::Body::BookSnapshot:
      case wire::Body::BookUpdate:
      case wire::Body::Trade:
      case wire::Body::AuctionResult:
      case wire::Body::InstrumentState:
        session.print(*m);
        break;
      default:
        break;
    }
  }
  return kExitOk;
}

}  // namespace

void add_book_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<BookOptions>();
  auto* book = app.add_subcommand("book", "print an instrument's order book");
  book->add_option("INSTRUMENT", o->instrument, "instrument id")->required();
  book->add_option("--depth", o->depth, "price levels per side")->capture_default_str();
  book->add_option("--follow", o->follow_s,
                   "then print updates, trades, auction results and breaker halts for SECONDS");
  add_connection_options(*book, o->connection);
  book->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run_book(*o); }); });
}

}  // namespace swarmex::cli
