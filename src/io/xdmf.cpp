#include "io/xdmf.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace macrodyn::io {

namespace {

std::string join(const std::vector<hsize_t>& v) {
  std::ostringstream out;
  for (size_t k = 0; k < v.size(); ++k) out << (k ? " " : "") << v[k];
  return out.str();
}

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void write_attribute(std::ostream& out, const std::string& h5_name, const XdmfGrid2D& grid, const XdmfAttribute& a,
                     const XdmfFrame& frame) {
  const size_t rank = a.dims.size();
  if (rank < 2 || frame.start.size() + a.fixed.size() + 2 != rank)
    fail("XDMF: attribute '", a.name, "' (dataset ", a.dataset, ") of rank ", rank, " does not match the ",
         frame.start.size(), " frame indices + ", a.fixed.size(), " fixed indices + (y, x)");
  if (a.dims[rank - 2] != static_cast<hsize_t>(grid.ny) || a.dims[rank - 1] != static_cast<hsize_t>(grid.nx))
    fail("XDMF: dataset ", a.dataset, " does not end in (ny, nx) = (", grid.ny, ", ", grid.nx, ")");
  std::vector<hsize_t> start = frame.start, stride(rank, 1), count(rank, 1);
  start.insert(start.end(), a.fixed.begin(), a.fixed.end());
  start.push_back(0);
  start.push_back(0);
  count[rank - 2] = grid.ny;
  count[rank - 1] = grid.nx;
  out << "        <Attribute Name=\"" << a.name << "\" AttributeType=\"Scalar\" Center=\"Cell\">\n"
      << "          <DataItem ItemType=\"HyperSlab\" Dimensions=\"" << grid.ny << " " << grid.nx
      << "\" Type=\"HyperSlab\">\n"
      << "            <DataItem Dimensions=\"3 " << rank << "\" Format=\"XML\">" << join(start) << " " << join(stride)
      << " " << join(count) << "</DataItem>\n"
      << "            <DataItem Dimensions=\"" << join(a.dims) << "\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">"
      << h5_name << ":" << a.dataset << "</DataItem>\n"
      << "          </DataItem>\n"
      << "        </Attribute>\n";
}

}  // namespace

std::string path_basename(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void write_xdmf_2d(const std::string& path, const std::string& h5_name, const XdmfGrid2D& grid,
                   const std::vector<XdmfAttribute>& attributes, const std::vector<XdmfCollection>& collections) {
  std::ostringstream out;
  out << "<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n<Xdmf Version=\"2.0\">\n  <Domain>\n";
  for (const auto& c : collections) {
    out << "    <Grid Name=\"" << c.name << "\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
    for (size_t f = 0; f < c.frames.size(); ++f) {
      const XdmfFrame& frame = c.frames[f];
      out << "      <Grid Name=\"" << c.name << "_" << f << "\" GridType=\"Uniform\">\n"
          << "        <Time Value=\"" << number(frame.time) << "\"/>\n"
          << "        <Topology TopologyType=\"2DCoRectMesh\" Dimensions=\"" << grid.ny + 1 << " " << grid.nx + 1
          << "\"/>\n"
          << "        <Geometry GeometryType=\"ORIGIN_DXDY\">\n"
          << "          <DataItem Dimensions=\"2\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">"
          << number(grid.y0) << " " << number(grid.x0) << "</DataItem>\n"
          << "          <DataItem Dimensions=\"2\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">"
          << number(grid.dy) << " " << number(grid.dx) << "</DataItem>\n"
          << "        </Geometry>\n";
      for (const auto& a : attributes) write_attribute(out, h5_name, grid, a, frame);
      out << "      </Grid>\n";
    }
    out << "    </Grid>\n";
  }
  out << "  </Domain>\n</Xdmf>\n";
  const std::string tmp = path + ".tmp";
  std::ofstream file(tmp, std::ios::binary);
  file << out.str();
  file.close();
  if (!file || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    fail(path, ": cannot write the XDMF file");
  }
}

}  // namespace macrodyn::io
