#include "domain/registry/registry.h"

#include <algorithm>
#include <utility>

#include "common/text_fold.h"

namespace infrashare {
namespace {

// Maps each id to its position; the first of duplicate ids wins (the
// constructor's contract excludes duplicates; ValidateRegistry checks it).
template <class T>
void Index(const std::vector<T>& items, std::map<std::string, size_t, std::less<>>& index) {
  for (size_t i = 0; i < items.size(); ++i) index.emplace(items[i].id, i);
}

template <class T>
const T* Find(const std::vector<T>& items, const std::map<std::string, size_t, std::less<>>& index,
              std::string_view id) {
  auto it = index.find(id);
  return it == index.end() ? nullptr : &items[it->second];
}

}  // namespace

Registry::Registry(RegistryData data) : data_(std::move(data)) {
  Index(data_.sectors, sectors_);
  Index(data_.ceptoars, ceptoars_);
  Index(data_.groups, groups_);
  Index(data_.organizations, organizations_);
  organization_keys_.reserve(data_.organizations.size());
  for (const auto& org : data_.organizations) {
    std::string key = FoldText(org.id) + "\n" + FoldText(org.name_ja) + "\n" + FoldText(org.name_en);
    for (const auto& alias : org.aliases) key += "\n" + FoldText(alias);
    organization_keys_.push_back(std::move(key));
  }
}

std::vector<const Organization*> Registry::SearchOrganizations(std::string_view query) const {
  const std::string folded = FoldText(query);
  std::vector<const Organization*> out;
  for (size_t i = 0; i < data_.organizations.size(); ++i)
    if (ContainsFolded(organization_keys_[i], folded)) out.push_back(&data_.organizations[i]);
  return out;
}

const Sector* Registry::FindSector(std::string_view id) const { return Find(data_.sectors, sectors_, id); }

const Ceptoar* Registry::FindCeptoar(std::string_view id) const {
  return Find(data_.ceptoars, ceptoars_, id);
}

const SharingGroup* Registry::FindGroup(std::string_view id) const { return Find(data_.groups, groups_, id); }

const Organization* Registry::FindOrganization(std::string_view id) const {
  return Find(data_.organizations, organizations_, id);
}

std::vector<const Organization*> Registry::OrganizationsOfKind(OrgKind kind) const {
  std::vector<const Organization*> out;
  for (const auto& org : data_.organizations)
    if (org.kind == kind) out.push_back(&org);
  return out;
}

std::vector<const Ceptoar*> Registry::CeptoarsRunBy(std::string_view org_id) const {
  std::vector<const Ceptoar*> out;
  for (const auto& c : data_.ceptoars)
    if (std::ranges::find(c.secretariats, org_id) != c.secretariats.end()) out.push_back(&c);
  return out;
}

const Organization* Registry::CoordinationCenter() const {
  for (const auto& org : data_.organizations)
    if (org.kind == OrgKind::kCoordinationCenter) return &org;
  return nullptr;
}

}  // namespace infrashare
