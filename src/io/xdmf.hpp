#pragma once
// XDMF (v2) companion files that let ParaView / VisIt open 2-D grid fields stored in macrodyn's HDF5
// datasets without copying them. Shared by every grid simulator (Allen-Cahn, Gray-Scott, the Vicsek
// lattice...).
//
// The grid is cell-centred: a 2DCoRectMesh with (ny+1) x (nx+1) nodes, origin (x0, y0) and spacing
// (dx, dy); every field is a Center="Cell" attribute. A field lives in an HDF5 dataset whose last two
// axes are (y, x); its leading axes (trajectory, time, channel, ...) are selected per frame with an XDMF
// HyperSlab: start = frame.start ++ attribute.fixed ++ (0, 0), count = (1, ..., 1, ny, nx).
// Frames are grouped into temporal collections (one per trajectory, say), all under one Domain.
//
// The file is written by the calling process alone (call it on rank 0) to path.tmp, then renamed.
#include <hdf5.h>

#include <string>
#include <vector>

namespace macrodyn::io {

struct XdmfGrid2D {
  long nx = 0, ny = 0;             // cells
  double x0 = 0.0, y0 = 0.0;       // lower-left corner of the domain
  double dx = 1.0, dy = 1.0;       // cell size
};

struct XdmfAttribute {
  std::string name;                // shown in ParaView
  std::string dataset;             // HDF5 path, e.g. "/states"
  std::vector<hsize_t> dims;       // full dataset dims; the last two are (ny, nx)
  std::vector<hsize_t> fixed;      // leading indices after the frame's start (e.g. a channel)
};

struct XdmfFrame {
  double time = 0.0;
  std::vector<hsize_t> start;      // leading indices shared by all attributes (e.g. {trajectory, time})
};

struct XdmfCollection {
  std::string name;                // e.g. "trajectory_0"
  std::vector<XdmfFrame> frames;
};

// h5_name is the data file's name as seen from the XDMF file (same directory: its basename).
void write_xdmf_2d(const std::string& path, const std::string& h5_name, const XdmfGrid2D& grid,
                   const std::vector<XdmfAttribute>& attributes, const std::vector<XdmfCollection>& collections);

// Basename of a path ("runs/a/b.h5" -> "b.h5").
std::string path_basename(const std::string& path);

}  // namespace macrodyn::io
