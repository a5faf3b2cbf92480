#include <catch2/catch.hpp>

#include "core/config.hpp"
#include "core/error.hpp"
#include "test_support.hpp"

using namespace macrodyn;
using macrodyn::test::error_of;

TEST_CASE("typed getters return values and documented defaults", "[config]") {
  Deck deck = Deck::from_string("[sim]\ndt = 0.5\nsteps = 10\nname = \"ac\"\nflag = true\nxs = [1, 2.5]\n", "d.toml");
  ConfigTable sim = deck.root().table("sim");
  CHECK(sim.get_double("dt", 1.0) == 0.5);
  CHECK(sim.get_int("steps", 3) == 10);
  CHECK(sim.get_string("name", "x") == "ac");
  CHECK(sim.get_bool("flag", false));
  CHECK(sim.get_doubles("xs", {}) == std::vector<double>{1.0, 2.5});
  CHECK(sim.get_double("missing", 7.0) == 7.0);
  CHECK(deck.root().table("absent").get_int("k", 4) == 4);
  CHECK_NOTHROW(deck.reject_unknown_keys());
}

TEST_CASE("an integer is accepted where a float is expected, not the reverse", "[config]") {
  Deck deck = Deck::from_string("a = 3\nb = 2.5\n", "d.toml");
  CHECK(deck.root().get_double("a", 0) == 3.0);
  std::string msg = error_of([&] { deck.root().get_int("b", 0); });
  CHECK_THAT(msg, Catch::Contains("d.toml:2") && Catch::Contains("'b'") && Catch::Contains("expected an integer"));
}

TEST_CASE("errors name the file, line and key", "[config]") {
  Deck deck = Deck::from_string("[sim]\n\ndt = \"fast\"\nn = -4\nmode = \"rk5\"\n", "deck.toml");
  ConfigTable sim = deck.root().table("sim");
  CHECK_THAT(error_of([&] { sim.get_double("dt", 1.0); }),
             Catch::Contains("deck.toml:3") && Catch::Contains("'sim.dt'") && Catch::Contains("expected a number"));
  CHECK_THAT(error_of([&] { sim.get_int("n", 1, Range::positive()); }),
             Catch::Contains("deck.toml:4") && Catch::Contains("outside the allowed range"));
  CHECK_THAT(error_of([&] { sim.get_string("mode", "rk4", {"rk4", "euler"}); }),
             Catch::Contains("deck.toml:5") && Catch::Contains("'rk5'") && Catch::Contains("'euler'"));
  CHECK_THAT(error_of([&] { sim.require_double("missing"); }), Catch::Contains("'sim.missing'") && Catch::Contains("required"));
}

TEST_CASE("unknown keys are rejected with their line", "[config]") {
  Deck deck = Deck::from_string("[sim]\ndt = 0.1\ndtt = 0.2\n[[stage]]\nkind = \"x\"\ntypo = 1\n", "deck.toml");
  deck.root().table("sim").get_double("dt", 1.0);
  for (auto& s : deck.root().tables("stage")) s.get_string("kind", "");
  std::string msg = error_of([&] { deck.reject_unknown_keys(); });
  CHECK_THAT(msg, Catch::Contains("deck.toml:3: unknown key 'sim.dtt'"));
  CHECK_THAT(msg, Catch::Contains("deck.toml:6: unknown key 'stage[0].typo'"));
}

TEST_CASE("an unread table is reported as unknown", "[config]") {
  Deck deck = Deck::from_string("[simulat]\ndt = 0.1\n", "deck.toml");
  CHECK_THAT(error_of([&] { deck.reject_unknown_keys(); }), Catch::Contains("deck.toml:1: unknown key 'simulat'"));
}

TEST_CASE("malformed TOML and missing files give clear errors", "[config]") {
  CHECK_THAT(error_of([] { Deck::from_string("a = [1, 2\n", "bad.toml"); }),
             Catch::Contains("bad.toml:") && Catch::Contains("TOML syntax error"));
  CHECK_THAT(error_of([] { Deck::from_file("/nonexistent/deck.toml"); }),
             Catch::Contains("/nonexistent/deck.toml") && Catch::Contains("cannot open"));
}

TEST_CASE("command-line options become typed keys", "[config]") {
  Deck deck = Deck::from_options({"--n", "4096", "--file", "out.h5", "--use-float", "true", "--dt", "1e-3"}, "command line");
  ConfigTable t = deck.root();
  CHECK(t.get_int("n", 0) == 4096);
  CHECK(t.get_string("file", "") == "out.h5");
  CHECK(t.get_bool("use_float", false));
  CHECK(t.get_double("dt", 0) == 1e-3);
  CHECK_NOTHROW(deck.reject_unknown_keys());
  Deck bad = Deck::from_options({"--nn", "3"}, "command line");
  CHECK_THAT(error_of([&] { bad.reject_unknown_keys(); }), Catch::Contains("unknown option '--nn'"));
  CHECK_THAT(error_of([] { Deck::from_options({"--n"}, "command line"); }), Catch::Contains("needs a value"));
}
