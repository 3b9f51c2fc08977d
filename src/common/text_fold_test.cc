#include "common/text_fold.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace infrashare {
namespace {

TEST(FoldTextTest, WidthCaseAndSeparatorVariantsAreOne) {
  EXPECT_EQ(FoldText("ＫＡＮＴＯ Power"), "kantopower");
  EXPECT_EQ(FoldText("KANTO power"), "kantopower");
  EXPECT_EQ(FoldText("Kanto-Power"), "kantopower");
  EXPECT_EQ(FoldText("ｶﾝﾄｳ"), "カントウ");
  EXPECT_EQ(FoldText("ｶﾞｽ"), FoldText("ガス"));
  EXPECT_EQ(FoldText("株式会社"), "株式会社");
  EXPECT_EQ(FoldText("Straße"), "strasse");
  EXPECT_EQ(FoldText(""), "");
  EXPECT_EQ(FoldText("a\u00ADb"), "ab") << "a soft hyphen is default-ignorable";
  EXPECT_EQ(FoldText("kanto　power（株）"), "kantopower株");
  EXPECT_EQ(FoldText("mail.kanto-power.jp"), "mailkantopowerjp");
  EXPECT_EQ(FoldText("関東・電力"), "関東電力");
}

TEST(FoldTextTest, InvalidUtf8IsKeptByteForByte) {
  const std::string bad = "ab\xff\xfe";
  EXPECT_EQ(FoldText(bad), bad);
}

TEST(FoldTextTest, ContainsFoldedMatchesPartsAndTheEmptyQuery) {
  const std::string text = FoldText("関東電力株式会社 Kanto Power");
  EXPECT_TRUE(ContainsFolded(text, FoldText("ＫＡＮＴＯ")));
  EXPECT_TRUE(ContainsFolded(text, FoldText("関東 電力")));
  EXPECT_TRUE(ContainsFolded(text, ""));
  EXPECT_FALSE(ContainsFolded(text, FoldText("九州")));
}

// The original text of each range FindFolded answers.
std::vector<std::string> Found(std::string_view text, std::vector<std::string> terms) {
  std::vector<std::string> out;
  for (const auto& [begin, end] : FindFolded(text, terms)) out.emplace_back(text.substr(begin, end - begin));
  return out;
}

TEST(FindFoldedTest, FindsANameWrittenAnyWayAPersonMight) {
  const std::vector<std::string> name{"Kanto-Power"};
  EXPECT_EQ(Found("Near miss at KANTO POWER plant", name), std::vector<std::string>{"KANTO POWER"});
  EXPECT_EQ(Found("ＫＡＮＴＯ－ＰＯＷＥＲの設備", name), std::vector<std::string>{"ＫＡＮＴＯ－ＰＯＷＥＲ"});
  EXPECT_EQ(Found("kantopower", name), std::vector<std::string>{"kantopower"});
  EXPECT_EQ(Found("mail.kanto-power.co.jp", {"kanto-power.co.jp"}),
            std::vector<std::string>{"kanto-power.co.jp"});
  EXPECT_EQ(Found("ｶﾞｽ事業者", {"ガス"}), std::vector<std::string>{"ｶﾞｽ"})
      << "half-width with its voiced mark";
  EXPECT_EQ(Found("関東・電力の変電所", {"関東電力"}), std::vector<std::string>{"関東・電力"});
  EXPECT_EQ(Found("03-1234-5678 まで", {"0312345678"}), std::vector<std::string>{"03-1234-5678"});
  EXPECT_TRUE(Found("Kanto region", name).empty());
}

TEST(FindFoldedTest, MergesOverlapsSkipsShortTermsAndKeepsBadBytes) {
  EXPECT_EQ(Found("abc-def", {"abcd", "cdef"}), std::vector<std::string>{"abc-def"});
  EXPECT_TRUE(Found("a b", {"ab"}).empty()) << "shorter than 3 bytes folded";
  EXPECT_EQ(Found("x\xff"
                  "kanto\xfe",
                  {"kanto"}),
            std::vector<std::string>{"kanto"});
  EXPECT_TRUE(Found("", {"kanto"}).empty());
  EXPECT_TRUE(Found("kanto", {}).empty());
  EXPECT_TRUE(Found("kanto", {"---"}).empty()) << "a term of separators only";
}

}  // namespace
}  // namespace infrashare
