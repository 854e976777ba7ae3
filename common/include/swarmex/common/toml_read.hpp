// Strict reading of TOML configuration tables (swarmexd and swarmex-hostctl): every error names
// the file and the key, unknown keys are refused, numbers are range-checked.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <set>
#include <string>

namespace swarmex::common {

// Throws std::runtime_error("<src>: <key>: <what>").
[[noreturn]] void config_error(const std::string& src, const std::string& key,
                               const std::string& what);

// Each reader leaves `out` unchanged when the key is absent and throws when it has the wrong type.
void read_string(const toml::table& t, const char* key, std::string& out, const std::string& src,
                 const std::string& where);
void read_bool(const toml::table& t, const char* key, bool& out, const std::string& src,
               const std::string& where);
std::int64_t read_int64(const toml::table& t, const char* key, std::int64_t current,
                        const std::string& src, const std::string& where, std::int64_t min_value,
                        std::int64_t max_value);

template <typename T>
void read_int(const toml::table& t, const char* key, T& out, const std::string& src,
              const std::string& where, std::int64_t min_value = 0,
              std::int64_t max_value = INT64_MAX) {
  out = static_cast<T>(
      read_int64(t, key, static_cast<std::int64_t>(out), src, where, min_value, max_value));
}

void reject_unknown(const toml::table& t, const std::set<std::string>& known,
                    const std::string& src, const std::string& where);

}  // namespace swarmex::common
