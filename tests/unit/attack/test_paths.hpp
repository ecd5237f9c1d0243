// Where the attack tests find the shipped data (data/attack, data/knowledge) and their fixtures.
#pragma once
#include <filesystem>
#include <fstream>
#include <string>

namespace soc::attack_test {

// SOC_TRIAGE_TEST_DATA_DIR is <repo>/tests/data.
inline std::filesystem::path repo_root() {
  return std::filesystem::path(SOC_TRIAGE_TEST_DATA_DIR).parent_path().parent_path();
}
inline std::string catalog_path() {
  return (repo_root() / "data/attack/techniques.tsv").string();
}
inline std::string knowledge_dir() {
  return (repo_root() / "data/knowledge").string();
}
inline std::filesystem::path fixture(const std::string& name) {
  return std::filesystem::path(SOC_TRIAGE_TEST_DATA_DIR) / "attack" / name;
}

// A scratch directory for malformed copies of the data files, removed with the object.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / ("soc_attack_test_" + name)) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string write(const std::string& file, const std::string& text) const {
    const auto target = path_ / file;
    std::ofstream(target, std::ios::binary) << text;
    return target.string();
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace soc::attack_test
