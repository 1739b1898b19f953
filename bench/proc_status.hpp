#pragma once
/// Memory figures of this process from /proc/self/status (Linux), for the benchmarks.

#include <string>

namespace tapegrad::bench {

/// A field of /proc/self/status in bytes ("VmRSS": resident now, "VmHWM": the peak so far);
/// 0 where there is none.
double proc_status_bytes(const std::string& field);

}  // namespace tapegrad::bench
