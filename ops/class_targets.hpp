#pragma once
/// ClassTargets: the class index of every position, as the cross-entropy ops take them.
///
/// Indices are signed 64-bit integers, as torch's targets (torch.long), so that a padding
/// position can carry ignore_index (PyTorch's default -100) instead of a class. A list of
/// std::size_t, a std::vector<std::int64_t> or a braced list of any integers converts to it,
/// so `softmax_cross_entropy(tape, z, {0, 2})`, `softmax_cross_entropy(tape, z, case.targets)`
/// (a std::vector<std::size_t>) and `{ex.target}` all read as before.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace tapegrad {

/// PyTorch's default ignore_index (torch.nn.functional.cross_entropy).
constexpr std::int64_t default_ignore_index = -100;

struct ClassTargets {
    std::vector<std::int64_t> values;

    ClassTargets() = default;
    ClassTargets(std::vector<std::int64_t> targets) : values(std::move(targets)) {}
    ClassTargets(const std::vector<std::size_t>& targets) {
        values.reserve(targets.size());
        for (const std::size_t t : targets) values.push_back(checked(t));
    }
    template <class I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
    ClassTargets(std::initializer_list<I> targets) {
        values.reserve(targets.size());
        for (const I t : targets) values.push_back(checked(t));
    }

private:
    template <class I>
    static std::int64_t checked(I t) {
        if constexpr (std::is_unsigned_v<I>) {
            if (t > static_cast<std::make_unsigned_t<std::int64_t>>(
                        std::numeric_limits<std::int64_t>::max()))
                throw std::invalid_argument("ClassTargets: target " + std::to_string(t) +
                                            " does not fit a signed 64-bit index");
        }
        return static_cast<std::int64_t>(t);
    }
};

}  // namespace tapegrad
