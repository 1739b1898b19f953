#pragma once
/// NonFiniteError: thrown by FiniteCheck (engine/inspect/finite_check.hpp) at the first op
/// whose output or gradient holds a NaN or an infinity.

#include <stdexcept>
#include <string>

namespace tapegrad {

class NonFiniteError : public std::runtime_error {
public:
    explicit NonFiniteError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace tapegrad
