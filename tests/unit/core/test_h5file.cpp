#include <catch2/catch.hpp>
#include <fstream>
#include <unistd.h>

#include "core/error.hpp"
#include "test_support.hpp"
#include "io/checkpoint.hpp"
#include "io/h5file.hpp"

using namespace macrodyn;
using macrodyn::test::error_of;
using namespace macrodyn::io;

namespace {
bool file_exists(const std::string& p) { return std::ifstream(p).good(); }
}  // namespace

TEST_CASE("a file appears under its final name only after commit", "[hdf5]") {
  const test::ScratchDir dir("h5file");
  std::string path = dir.path() + "/atomic.h5";
  {
    auto f = H5File::create(path, MPI_COMM_SELF);
    double x = 1.5;
    f.write_replicated("/x", {}, &x);
    CHECK(file_exists(path + ".tmp"));
    CHECK_FALSE(file_exists(path));
    f.commit();
  }
  CHECK(file_exists(path));
  CHECK_FALSE(file_exists(path + ".tmp"));
}

TEST_CASE("an interrupted write leaves no file under the final name", "[hdf5]") {
  const test::ScratchDir dir("h5file");
  std::string path = dir.path() + "/interrupted.h5";
  {  // scope left without commit (e.g. a stop signal before the end)
    auto f = H5File::create(path, MPI_COMM_SELF);
    std::vector<double> v(100, 2.0);
    f.write("/v", {100}, {0}, {100}, v.data());
  }
  CHECK_FALSE(file_exists(path));
  CHECK_FALSE(file_exists(path + ".tmp"));
  try {  // an exception in the middle of writing
    auto f = H5File::create(path, MPI_COMM_SELF);
    std::vector<double> v(10, 2.0);
    f.write("/v", {10}, {0}, {10}, v.data());
    throw Error("simulated failure");
  } catch (const Error&) {
  }
  CHECK_FALSE(file_exists(path));
  CHECK_FALSE(file_exists(path + ".tmp"));
}

TEST_CASE("datasets, series and attributes round-trip", "[hdf5]") {
  const test::ScratchDir dir("h5file");
  std::string path = dir.path() + "/roundtrip.h5";
  std::vector<int64_t> ints{1, -2, 3, 1LL << 40};
  std::vector<float> grid(6 * 4);
  for (size_t i = 0; i < grid.size(); ++i) grid[i] = 0.25f * i;
  {
    auto f = H5File::create(path, MPI_COMM_SELF);
    f.write_replicated("/a/b/ints", {4}, ints.data());
    f.write("/grid", {6, 4}, {0, 0}, {6, 4}, grid.data(), WriteOptions{{3, 4}, 4});
    f.create_series<double>("/series", {2});
    for (int t = 0; t < 3; ++t) {
      double frame[2] = {1.0 * t, -1.0 * t};
      f.append_frame("/series", {0}, {2}, frame);
    }
    // Blocks of frames (one write each) after single frames, in a series chunked by 4 frames.
    f.create_series<int64_t>("/steps", {}, {}, 4);
    const int64_t first[1] = {7}, block[5] = {8, 9, 10, 11, 12};
    f.append_frame("/steps", {}, {}, first);
    f.append_frames("/steps", {}, {}, 5, block);
    f.append_frames("/steps", {}, {}, 0, block);  // nothing
    const double two_frames[4] = {3, -3, 4, -4};
    f.append_frames("/series", {0}, {2}, 2, two_frames);
    f.set_attr("/", "deck", std::string("dt = 1\n"));
    f.set_attr("/grid", "h", 0.5);
    f.set_attr("/grid", "n", int64_t{6});
    f.set_attr("/grid", "box", std::vector<double>{1.0, 2.0});
    f.commit();
  }
  auto f = H5File::open_read(path, MPI_COMM_SELF);
  CHECK(f.read_all<int64_t>("/a/b/ints") == ints);
  CHECK(f.read_all<float>("/grid") == grid);
  CHECK(f.dims("/series") == Dims{5, 2});
  CHECK(f.read_all<double>("/series") == std::vector<double>{0, 0, 1, -1, 2, -2, 3, -3, 4, -4});
  CHECK(f.read_all<int64_t>("/steps") == std::vector<int64_t>{7, 8, 9, 10, 11, 12});
  CHECK(f.attr_string("/", "deck") == "dt = 1\n");
  CHECK(f.attr_double("/grid", "h") == 0.5);
  CHECK(f.attr_int("/grid", "n") == 6);
  CHECK(f.attr_doubles("/grid", "box") == std::vector<double>{1.0, 2.0});
  CHECK(f.exists("/a/b"));
  CHECK_FALSE(f.exists("/a/c/d"));
  // Element types: integers widen to floating point; floating-point data are never read as integers.
  CHECK(f.read_all<double>("/a/b/ints") == std::vector<double>{1, -2, 3, static_cast<double>(1LL << 40)});
  CHECK_THAT(error_of([&] { f.read_all<int64_t>("/grid"); }),
             Catch::Contains(path) && Catch::Contains("'/grid' holds floating-point numbers where integers"));
}

TEST_CASE("missing, truncated and incomplete files give errors naming the file", "[hdf5]") {
  const test::ScratchDir dir("h5file");
  std::string missing = dir.path() + "/missing.h5";
  CHECK_THAT(error_of([&] { H5File::open_read(missing, MPI_COMM_SELF); }),
             Catch::Contains(missing) && Catch::Contains("no such file"));

  std::string path = dir.path() + "/truncated.h5";
  {
    auto f = H5File::create(path, MPI_COMM_SELF);
    std::vector<double> v(10000, 1.0);
    f.write("/v", {10000}, {0}, {10000}, v.data());
    f.commit();
  }
  CHECK_THAT(error_of([&] { H5File::open_read(path, MPI_COMM_SELF).read_all<double>("/nope"); }),
             Catch::Contains("missing dataset '/nope'"));
  REQUIRE(truncate(path.c_str(), 1000) == 0);
  CHECK_THAT(error_of([&] { H5File::open_read(path, MPI_COMM_SELF).read_all<double>("/v"); }), Catch::Contains(path));

  std::string text = dir.path() + "/text.h5";
  std::ofstream(text) << "not hdf5";
  CHECK_THAT(error_of([&] { H5File::open_read(text, MPI_COMM_SELF); }), Catch::Contains("not a readable HDF5 file"));
}

TEST_CASE("checkpoints store arrays, scalars and counters and check their kind", "[hdf5][checkpoint]") {
  const test::ScratchDir dir("h5file");
  std::string path = dir.path() + "/ckpt.h5";
  std::vector<double> state{1, 2, 3, 4, 5, 6};
  {
    CheckpointWriter w(path, MPI_COMM_SELF, "test");
    w.array("state", {2, 3}, {0, 0}, {2, 3}, state.data());
    w.scalar("time", 0.125);
    w.counter("step", 123456789012ULL);
    w.text("note", "hello");
    w.commit();
  }
  CheckpointReader r(path, MPI_COMM_SELF, "test");
  std::vector<double> back(6);
  r.array("state", {0, 0}, {2, 3}, back.data());
  CHECK(back == state);
  CHECK(r.array_dims("state") == Dims{2, 3});
  CHECK(r.scalar("time") == 0.125);
  CHECK(r.counter("step") == 123456789012ULL);
  CHECK(r.text("note") == "hello");
  CHECK_THAT(error_of([&] { CheckpointReader(path, MPI_COMM_SELF, "lj"); }), Catch::Contains("expected 'lj'"));
}
