#include "store/sqlite/fts_text.h"

#include <gtest/gtest.h>

namespace infrashare::sqlite {
namespace {

TEST(FtsText, IndexesCjkRunsAsBigrams) {
  EXPECT_EQ(FtsIndexText("停電が発生"), "停電 電が が発 発生 生 ");
  EXPECT_EQ(FtsIndexText("Power 停電"), "Power 停電 電 ");
  EXPECT_EQ(FtsIndexText("停電。復旧"), "停電 電 。 復旧 旧 ");
  EXPECT_EQ(FtsIndexText("電"), "電 ");
  EXPECT_EQ(FtsIndexText("plain text, as is"), "plain text, as is");
  EXPECT_EQ(FtsIndexText("bad \xff byte"), "bad   byte");
}

TEST(FtsText, QuotesEveryWord) {
  EXPECT_EQ(FtsMatchExpression("malware"), "\"malware\"");
  EXPECT_EQ(FtsMatchExpression("OR"), "\"OR\"");
  EXPECT_EQ(FtsMatchExpression("a\"b"), "\"a\" AND \"b\"");
  EXPECT_EQ(FtsMatchExpression("NEAR(x y)"), "\"NEAR\" AND \"x\" AND \"y\"");
  EXPECT_EQ(FtsMatchExpression("title:x"), "\"title\" AND \"x\"");
  EXPECT_EQ(FtsMatchExpression("café"), "\"café\"");
}

TEST(FtsText, CjkWordsBecomeBigramPhrases) {
  EXPECT_EQ(FtsMatchExpression("停電"), "\"停電\"");
  EXPECT_EQ(FtsMatchExpression("大規模停電"), "\"大規 規模 模停 停電\"");
  EXPECT_EQ(FtsMatchExpression("電"), "\"電\"*");
  EXPECT_EQ(FtsMatchExpression("停電　復旧"), "\"停電\" AND \"復旧\"");  // ideographic space
  EXPECT_EQ(FtsMatchExpression("電力grid"), "\"電力\" AND \"grid\"");
}

TEST(FtsText, NothingSearchableMeansNoCondition) {
  EXPECT_EQ(FtsMatchExpression(""), std::nullopt);
  EXPECT_EQ(FtsMatchExpression("*"), std::nullopt);
  EXPECT_EQ(FtsMatchExpression("\" ( ) - ^"), std::nullopt);
  EXPECT_EQ(FtsMatchExpression("\xe5\x81"), std::nullopt);  // a cut UTF-8 sequence
  EXPECT_EQ(FtsMatchExpression("、。「」"), std::nullopt);
}

}  // namespace
}  // namespace infrashare::sqlite
