#include "core/totp/qr_code.hpp"

#include <qrencode.h>

#include <climits>
#include <memory>

namespace sekisho::totp {
namespace {

struct qr_free {
  void operator()(QRcode* q) const { QRcode_free(q); }
};
using qr_ptr = std::unique_ptr<QRcode, qr_free>;

// Version 0 lets libqrencode pick the smallest symbol that fits.
qr_ptr encode(std::string_view text) {
  if (text.empty() || text.size() > INT_MAX) return nullptr;
  return qr_ptr(QRcode_encodeData(static_cast<int>(text.size()), reinterpret_cast<const unsigned char*>(text.data()),
                                  0, QR_ECLEVEL_M));
}

// Module (x, y) of the symbol plus a quiet zone of `quiet` light modules on every side.
class module_grid {
 public:
  module_grid(const QRcode& q, int quiet) : q_(q), quiet_(quiet) {}
  int size() const { return q_.width + 2 * quiet_; }
  bool dark(int x, int y) const {
    x -= quiet_;
    y -= quiet_;
    if (x < 0 || y < 0 || x >= q_.width || y >= q_.width) return false;
    return (q_.data[y * q_.width + x] & 1) != 0;  // bit 0 = dark module (qrencode.h)
  }

 private:
  const QRcode& q_;
  int quiet_;
};

}  // namespace

std::string qr_svg(std::string_view text) {
  auto q = encode(text);
  if (!q) return {};
  const module_grid g(*q, 4);
  const std::string n = std::to_string(g.size());
  const std::string px = std::to_string(g.size() * 6);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + n + " " + n + "\" width=\"" + px +
                    "\" height=\"" + px + "\" shape-rendering=\"crispEdges\">";
  svg += "<rect width=\"" + n + "\" height=\"" + n + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
  // One horizontal run of dark modules per sub-path keeps the SVG a few kilobytes.
  for (int y = 0; y < g.size(); ++y) {
    for (int x = 0; x < g.size();) {
      if (!g.dark(x, y)) {
        ++x;
        continue;
      }
      int run = 0;
      while (x + run < g.size() && g.dark(x + run, y)) ++run;
      svg += "M" + std::to_string(x) + " " + std::to_string(y) + "h" + std::to_string(run) + "v1h-" +
             std::to_string(run) + "z";
      x += run;
    }
  }
  svg += "\"/></svg>";
  return svg;
}

std::string qr_terminal(std::string_view text) {
  auto q = encode(text);
  if (!q) return {};
  const module_grid g(*q, 2);
  std::string out;
  // The symbol plus quiet zone has an odd number of rows; the last line's lower half is blank.
  for (int y = 0; y < g.size(); y += 2) {
    for (int x = 0; x < g.size(); ++x) {
      const bool top_light = !g.dark(x, y);
      const bool bottom_light = y + 1 < g.size() && !g.dark(x, y + 1);
      if (top_light && bottom_light) out += "\u2588";
      else if (top_light) out += "\u2580";
      else if (bottom_light) out += "\u2584";
      else out += ' ';
    }
    out += '\n';
  }
  return out;
}

}  // namespace sekisho::totp
