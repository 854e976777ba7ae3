#include "swarmex/common/toml_read.hpp"

#include <stdexcept>

namespace swarmex::common {

void config_error(const std::string& src, const std::string& key, const std::string& what) {
  throw std::runtime_error(src + ": " + key + ": " + what);
}

void read_string(const toml::table& t, const char* key, std::string& out, const std::string& src,
                 const std::string& where) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return;
  if (!n->is_string()) config_error(src, where + key, "must be a string");
  out = *n->value<std::string>();
}

void read_bool(const toml::table& t, const char* key, bool& out, const std::string& src,
               const std::string& where) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return;
  if (!n->is_boolean()) config_error(src, where + key, "must be true or false");
  out = *n->value<bool>();
}

std::int64_t read_int64(const toml::table& t, const char* key, std::int64_t current,
                        const std::string& src, const std::string& where, std::int64_t min_value,
                        std::int64_t max_value) {
  const toml::node* n = t.get(key);
  if (n == nullptr) return current;
  // as_integer, not value<int64_t>: toml++ converts a float to an integer without a range check.
  const auto* i = n->as_integer();
  if (i == nullptr) config_error(src, where + key, "must be an integer");
  const std::int64_t v = i->get();
  if (v < min_value || v > max_value)
    config_error(
        src, where + key,
        "must be in [" + std::to_string(min_value) + ", " + std::to_string(max_value) + "]");
  return v;
}

void reject_unknown(const toml::table& t, const std::set<std::string>& known,
                    const std::string& src, const std::string& where) {
  for (const auto& [k, v] : t)
    if (!known.count(std::string(k.str())))
      config_error(src, where + std::string(k.str()), "unknown key");
}

}  // namespace swarmex::common
