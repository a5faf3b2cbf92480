#include <catch2/catch.hpp>
#include <thread>

#include "core/progress.hpp"
#include "core/timers.hpp"

using namespace macrodyn;

TEST_CASE("nested timers accumulate under their parent's path", "[timers]") {
  Timers t;
  for (int i = 0; i < 3; ++i) {
    auto outer = t.scope("step");
    {
      auto inner = t.scope("force");
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  CHECK(t.calls("step") == 3);
  CHECK(t.calls("step/force") == 3);
  CHECK(t.seconds("step/force") >= 0.006);
  CHECK(t.seconds("step") >= t.seconds("step/force"));
  CHECK(t.calls("force") == 0);
  auto stats = t.gather(MPI_COMM_SELF);
  REQUIRE(stats.size() == 2);
  CHECK(stats[0].path == "step");
  CHECK(stats[1].path == "step/force");
  CHECK(stats[1].depth == 1);
  std::string report = Timers::format_report(stats, 1);
  CHECK_THAT(report, Catch::Contains("timer report") && Catch::Contains("force"));
  CHECK_THROWS(t.stop());
}

TEST_CASE("progress formats durations", "[progress]") {
  CHECK(Progress::format_duration(3725) == "1:02:05");
  CHECK(Progress::format_duration(-1) == "--:--:--");
}
