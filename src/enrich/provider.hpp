// Enrich stage contract: one IntelProvider per threat-intelligence source.
//
// Input: an observable (normalized). Output: an Enrichment with a status (never "clean" when the
// source failed), a verdict and typed facts. Threading: lookup() is const and safe to call from
// several threads. Failure: reported in Enrichment::status/error, never thrown.
// The offline providers read the vendor-native files of contract/CONTEXT.md `intel/`; the live
// HTTP clients (a later issue) reuse the same response parsers and write the same files.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/enrichment.hpp"
#include "core/observable.hpp"

namespace soc {

class IntelProvider {
 public:
  virtual ~IntelProvider() = default;
  virtual std::string_view name() const = 0;
  virtual bool supports(ObservableType type) const = 0;
  // Relative trust in this source, 0..1, used to weigh disagreements.
  virtual double reliability() const = 0;
  virtual Enrichment lookup(const Observable& observable) const = 0;
  // Same answer as lookup(), shared instead of copied. Providers that cache override it to hand
  // out their cached object, so a repeated lookup costs a hash probe and a reference count
  // instead of copying every string and vector of the facts.
  virtual EnrichmentPtr lookup_shared(const Observable& observable) const {
    return std::make_shared<const Enrichment>(lookup(observable));
  }
};

// Builds the offline providers over an intel/ directory (missing sub-folders simply yield
// providers that answer not_found). The order is the order results are reported in.
std::vector<std::unique_ptr<IntelProvider>> make_offline_providers(const std::string& intel_dir);

}  // namespace soc
