#include "common/text_fold.h"

#include <gtest/gtest.h>

namespace infrashare {
namespace {

TEST(FoldTextTest, WidthAndCaseVariantsAreOne) {
  EXPECT_EQ(FoldText("ＫＡＮＴＯ Power"), "kanto power");
  EXPECT_EQ(FoldText("KANTO power"), "kanto power");
  EXPECT_EQ(FoldText("ｶﾝﾄｳ"), "カントウ");
  EXPECT_EQ(FoldText("株式会社"), "株式会社");
  EXPECT_EQ(FoldText("Straße"), "strasse");
  EXPECT_EQ(FoldText(""), "");
  EXPECT_EQ(FoldText("a\u00ADb"), "ab") << "a soft hyphen is default-ignorable";
}

TEST(FoldTextTest, SeparatorsAreDroppedOnlyWhenAsked) {
  EXPECT_EQ(FoldText("Kanto-Power", Separators::kDrop), "kantopower");
  EXPECT_EQ(FoldText("kanto　power（株）", Separators::kDrop), "kantopower株");
  EXPECT_EQ(FoldText("mail.kanto-power.jp", Separators::kDrop), "mailkantopowerjp");
  EXPECT_EQ(FoldText("関東・電力", Separators::kDrop), "関東電力");
  EXPECT_EQ(FoldText("Kanto-Power"), "kanto-power");
}

TEST(FoldTextTest, InvalidUtf8IsAnsweredAsItIs) {
  const std::string bad = "ab\xff\xfe";
  EXPECT_EQ(FoldText(bad), bad);
  EXPECT_EQ(FoldText(bad, Separators::kDrop), bad);
}

TEST(FoldTextTest, ContainsFoldedMatchesPartsAndTheEmptyQuery) {
  const std::string text = FoldText("関東電力株式会社 Kanto Power", Separators::kDrop);
  EXPECT_TRUE(ContainsFolded(text, FoldText("ＫＡＮＴＯ", Separators::kDrop)));
  EXPECT_TRUE(ContainsFolded(text, FoldText("関東 電力", Separators::kDrop)));
  EXPECT_TRUE(ContainsFolded(text, ""));
  EXPECT_FALSE(ContainsFolded(text, FoldText("九州", Separators::kDrop)));
}

}  // namespace
}  // namespace infrashare
