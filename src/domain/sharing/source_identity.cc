#include "domain/sharing/source_identity.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace infrashare {

namespace {

// Legal forms, longest first where one contains another.
constexpr std::array<std::string_view, 22> kLegalForms{
    "国立研究開発法人", "独立行政法人", "一般社団法人", "一般財団法人", "公益社団法人", "公益財団法人",
    "株式会社",         "有限会社",     "合同会社",     "（株）",       "(株)",         "㈱",
    "Co., Ltd.",        "Co.,Ltd.",     "Corporation",  "Company",      "Limited",      "Corp.",
    "Inc.",             "Ltd.",         "K.K.",         "Co.",
};

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Removes the first occurrence of `form` (ASCII case aside); false if none.
bool RemoveOnce(std::string& s, std::string_view form) {
  if (s.size() < form.size()) return false;
  for (size_t i = 0; i + form.size() <= s.size(); ++i)
    if (EqualsIgnoringAsciiCase(std::string_view(s).substr(i, form.size()), form)) {
      s.erase(i, form.size());
      return true;
    }
  return false;
}

std::string Trimmed(std::string s) {
  const auto junk = [](char c) { return c == ' ' || c == ',' || c == '\t' || c == '.'; };
  while (!s.empty() && junk(s.back())) s.pop_back();
  size_t start = 0;
  while (start < s.size() && junk(s[start])) ++start;
  // A full-width space (U+3000) at either end.
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  std::string out = s.substr(start);
  while (out.starts_with(kIdeographicSpace)) out.erase(0, kIdeographicSpace.size());
  while (out.ends_with(kIdeographicSpace)) out.erase(out.size() - kIdeographicSpace.size());
  return out;
}

}  // namespace

std::string WithoutLegalForm(std::string_view name) {
  std::string s(name);
  bool removed = false;
  for (std::string_view form : kLegalForms)
    while (RemoveOnce(s, form)) removed = true;
  if (!removed) return std::string(name);
  std::string trimmed = Trimmed(std::move(s));
  return trimmed.empty() ? std::string(name) : trimmed;
}

std::vector<std::string> SourceIdentity(std::string_view org_id, const Organization* org,
                                        std::span<const Principal> principals) {
  std::vector<std::string> out{std::string(org_id)};
  if (org != nullptr) {
    std::vector<const std::string*> names{&org->name_ja, &org->name_en};
    for (const auto& alias : org->aliases) names.push_back(&alias);
    for (const std::string* name : names) {
      out.push_back(*name);
      out.push_back(WithoutLegalForm(*name));
    }
    out.insert(out.end(), org->domains.begin(), org->domains.end());
    for (const Contact& c : org->contacts) {
      out.push_back(c.name);
      out.push_back(c.email);
      out.push_back(c.phone);
    }
  }
  for (const Principal& p : principals) {
    out.push_back(p.id);
    out.push_back(p.name);
  }
  std::erase_if(out, [](const std::string& s) { return s.empty(); });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace infrashare
