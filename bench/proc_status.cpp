#include "bench/proc_status.hpp"

#include <fstream>

namespace tapegrad::bench {

double proc_status_bytes(const std::string& field) {
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == field + ":") {
            double kib = 0.0;
            status >> kib;
            return kib * 1024.0;
        }
        status.ignore(1 << 16, '\n');
    }
    return 0.0;
}

}  // namespace tapegrad::bench
