// The registry: sectors, organizations, CEPTOARs and sharing groups — who
// takes part in the plan and how they relate. A Registry is an immutable
// snapshot; the service swaps in a new one after an administrator changes it.
//
// Thread behaviour: a built Registry is read-only and safe to share between
// threads (hold it by std::shared_ptr<const Registry>).
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/enum_names.h"

namespace infrashare {

enum class OrgKind {
  kCoordinationCenter,  // NISC
  kMinistry,            // a sector ministry (所管省庁)
  kCeptoarSecretariat,  // runs one or more CEPTOARs (事務局)
  kOperator,            // a CI operator (重要インフラ事業者等)
  kSecurityAgency,      // NICT, IPA, JPCERT/CC (情報セキュリティ関係機関)
  kIncidentAgency,      // police, defense (事案対処省庁)
  kDisasterAgency,      // disaster management (防災関係府省庁)
  kCrisisOffice,        // Cabinet Secretariat crisis management (事態対処・危機管理担当)
  kVendor,              // cyberspace businesses (サイバー空間関連事業者)
  kOther,
};

inline constexpr std::array kOrgKindNames{
    EnumName<OrgKind>{OrgKind::kCoordinationCenter, "coordination_center"},
    EnumName<OrgKind>{OrgKind::kMinistry, "ministry"},
    EnumName<OrgKind>{OrgKind::kCeptoarSecretariat, "ceptoar_secretariat"},
    EnumName<OrgKind>{OrgKind::kOperator, "operator"},
    EnumName<OrgKind>{OrgKind::kSecurityAgency, "security_agency"},
    EnumName<OrgKind>{OrgKind::kIncidentAgency, "incident_agency"},
    EnumName<OrgKind>{OrgKind::kDisasterAgency, "disaster_agency"},
    EnumName<OrgKind>{OrgKind::kCrisisOffice, "crisis_office"},
    EnumName<OrgKind>{OrgKind::kVendor, "vendor"},
    EnumName<OrgKind>{OrgKind::kOther, "other"},
};

struct Sector {
  std::string id;  // "electric_power"
  std::string name_ja, name_en;
  std::string ministry;  // organization id of the ministry with jurisdiction (所管省庁)
};

// A figure from the plan's CEPTOAR table, kept as the plan states it
// ("23 companies, 1 body") with a count where the plan gives one.
struct Figure {
  std::string ja, en;
  std::optional<int64_t> count;
};

struct Ceptoar {
  std::string id;  // "electricity_ceptoar"
  std::string name_ja, name_en;
  std::string sector;  // sector id
  std::string scope_ja, scope_en;
  std::vector<std::string> secretariats;  // organization ids (事務局); usually one, Broadcasting has two
  Figure members;             // 構成員
  Figure further_recipients;  // 展開先; empty text = none
};

struct SharingGroup {
  std::string id;
  std::string name_ja, name_en;
  bool nda = false;  // members signed a non-disclosure agreement (ISAC)
};

struct Contact {  // a hotline contact of an organization
  std::string name;
  std::string email;
  std::string phone;
  bool backup = false;  // called when the primary contacts do not acknowledge in time
};

struct Organization {
  std::string id;
  OrgKind kind = OrgKind::kOther;
  std::string name_ja, name_en;
  std::vector<std::string> sectors;   // sector ids it belongs to
  std::vector<std::string> ceptoars;  // CEPTOAR ids it is a member of
  std::vector<std::string> groups;    // sharing group ids it is a member of
  std::vector<std::string> aliases;   // other names it goes by (a short or former name, a brand)
  std::vector<std::string> domains;   // its internet domains ("kanto-power.co.jp"), lower case
  std::vector<Contact> contacts;
};

// Everything the registry holds, as loaded from data/registry or the store.
struct RegistryData {
  std::vector<Sector> sectors;
  std::vector<Ceptoar> ceptoars;
  std::vector<SharingGroup> groups;
  std::vector<Organization> organizations;
};

class Registry {
 public:
  // Builds the lookup maps. REQUIRES: ids unique (ValidateRegistry() in registry_rules.h checks it).
  explicit Registry(RegistryData data);

  const RegistryData& data() const { return data_; }
  const Sector* FindSector(std::string_view id) const;
  const Ceptoar* FindCeptoar(std::string_view id) const;
  const SharingGroup* FindGroup(std::string_view id) const;
  const Organization* FindOrganization(std::string_view id) const;
  std::vector<const Organization*> OrganizationsOfKind(OrgKind kind) const;
  // The CEPTOARs whose secretariat is `org_id`.
  std::vector<const Ceptoar*> CeptoarsRunBy(std::string_view org_id) const;
  // The NISC organization (the one coordination_center), or nullptr.
  const Organization* CoordinationCenter() const;
  // The organizations whose id, Japanese or English name or an alias contains `query`,
  // compared as FoldText compares them (width, case
  // and separators aside), in registry order; every one for an empty query.
  std::vector<const Organization*> SearchOrganizations(std::string_view query) const;

 private:
  RegistryData data_;
  std::map<std::string, size_t, std::less<>> sectors_, ceptoars_, groups_, organizations_;
  std::vector<std::string> organization_keys_;  // folded id and names, by index in data_.organizations
};

}  // namespace infrashare
