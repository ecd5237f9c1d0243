// Splitting inputs into alert records: single documents, arrays, JSON lines, CEF and text lines,
// with references back to the input and error records for what cannot be taken.
#include "intake/reader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace soc {
namespace {

std::string data_path(const std::string& relative) {
  return (std::filesystem::path(SOC_TRIAGE_TEST_DATA_DIR) / relative).string();
}

std::string slurp(const std::string& path) {
  auto text = read_file(path);
  EXPECT_TRUE(text) << path;
  return text ? *text : std::string();
}

std::vector<InputRecord> split(std::string_view content, std::string_view name = "input",
                               ReadLimits limits = ReadLimits{}) {
  return split_records(content, name, limits);
}

std::vector<std::string> refs_of(const std::vector<InputRecord>& records) {
  std::vector<std::string> refs;
  for (const auto& r : records) refs.push_back(r.ref);
  return refs;
}

TEST(SplitRecords, PrettyPrintedObjectIsOneRecord) {
  const std::string text =
      slurp(data_path("../../examples/scenario-1-phishing-attachment/alert.json"));
  const auto records = split(text, "alert.json");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].ref, "alert.json");
  EXPECT_EQ(records[0].kind, RecordKind::kJson);
  EXPECT_FALSE(records[0].error);
  EXPECT_EQ(records[0].bytes.front(), '{');
  EXPECT_EQ(records[0].bytes.back(), '}');
  EXPECT_NE(records[0].bytes.find("\"kibana.alert.uuid\""), std::string::npos);
  EXPECT_GT(records[0].bytes.size(), text.size() - 4);  // whole document, only outer space trimmed
}

TEST(SplitRecords, CompactObjectWithTrailingNewlineIsOneDocument) {
  const auto records = split("{\"title\":\"x\"}\n\n", "one.json");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].ref, "one.json");
  EXPECT_EQ(records[0].bytes, "{\"title\":\"x\"}");
}

TEST(SplitRecords, JsonArrayElementsAreMinifiedWithIndexedRefs) {
  const auto records = split(slurp(data_path("intake/batch.json")), "batch.json");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(refs_of(records), (std::vector<std::string>{"batch.json[0]", "batch.json[1]"}));
  EXPECT_EQ(records[0].bytes,
            R"({"title":"Port scan detected","src_ip":"198.51.100.24","severity":"low"})");
  EXPECT_EQ(records[1].bytes,
            R"({"title":"Outbound connection to known C2","dest_ip":"203.0.113.45",)"
            R"("tags":["attack.t1071.001","attack.command_and_control"],)"
            R"("details":{"bytes_out":48213,"process":"rundll32.exe"}})");
  for (const auto& r : records) {
    EXPECT_EQ(r.kind, RecordKind::kJson);
    EXPECT_FALSE(r.error) << r.ref;
  }
}

TEST(SplitRecords, EmptyArrayAndArrayOfScalars) {
  EXPECT_TRUE(split("[]").empty());
  EXPECT_TRUE(split("  [ ]  \n").empty());
  const auto scalars = split(R"([1, "two", null])", "s");
  ASSERT_EQ(scalars.size(), 3u);
  EXPECT_EQ(scalars[0].bytes, "1");
  EXPECT_EQ(scalars[1].bytes, "\"two\"");
  EXPECT_EQ(scalars[2].bytes, "null");
  EXPECT_EQ(scalars[2].ref, "s[2]");
}

TEST(SplitRecords, ArrayElementOverTheLimitIsAnErrorRecordCarryingItsBytes) {
  ReadLimits limits;
  limits.max_alert_bytes = 64;
  const std::string big_value(100, 'x');
  const std::string text =
      R"([{"title":"small"}, {"title":")" + big_value + R"("}, {"title":"also small"}])";
  const auto records = split(text, "batch.json", limits);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_FALSE(records[0].error);
  ASSERT_TRUE(records[1].error);
  EXPECT_EQ(records[1].error->code, ErrorCode::kTooLarge);
  EXPECT_EQ(records[1].ref, "batch.json[1]");
  EXPECT_EQ(records[1].bytes, R"({"title":")" + big_value + R"("})");
  EXPECT_NE(records[1].error->message.find("64"), std::string::npos);
  EXPECT_FALSE(records[2].error);
  EXPECT_EQ(records[2].bytes, R"({"title":"also small"})");
}

TEST(SplitRecords, ArrayOverTheWholeInputLimitIsOneErrorRecord) {
  ReadLimits limits;
  limits.max_alert_bytes = 16;  // the array may hold 64 times that
  std::string text = "[";
  for (int i = 0; i < 200; ++i) text += R"({"a":1},)";
  text += R"({"a":1}])";
  const auto records = split(text, "huge.json", limits);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].ref, "huge.json");
  ASSERT_TRUE(records[0].error);
  EXPECT_EQ(records[0].error->code, ErrorCode::kTooLarge);
  EXPECT_EQ(records[0].bytes, text);
}

TEST(SplitRecords, JsonLinesWithBlankLinesKeepTrueLineNumbers) {
  const auto records = split(slurp(data_path("intake/alerts.jsonl")), "alerts.jsonl");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(refs_of(records),
            (std::vector<std::string>{"alerts.jsonl:1", "alerts.jsonl:3", "alerts.jsonl:6"}));
  for (const auto& r : records) {
    EXPECT_EQ(r.kind, RecordKind::kJson);
    EXPECT_FALSE(r.error);
    EXPECT_EQ(r.bytes.front(), '{');
    EXPECT_EQ(r.bytes.back(), '}');
  }
  EXPECT_NE(records[2].bytes.find("Impossible travel"), std::string::npos);
}

TEST(SplitRecords, LeadingBlankLinesCountInLineNumbers) {
  const auto records = split("\n\n{\"a\":1}\n{\"b\":2}", "x.jsonl");
  EXPECT_EQ(refs_of(records), (std::vector<std::string>{"x.jsonl:3", "x.jsonl:4"}));
}

TEST(SplitRecords, CrlfJsonLines) {
  const auto records = split("{\"a\":1}\r\n{\"b\":2}\r\n", "win.jsonl");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].bytes, "{\"a\":1}");
  EXPECT_EQ(records[1].bytes, "{\"b\":2}");
  EXPECT_EQ(records[1].ref, "win.jsonl:2");
}

TEST(SplitRecords, FirstLineCompleteObjectFollowedByMoreLinesIsJsonLines) {
  const auto records = split("{\"title\":\"one\"}\n{\"title\":\"two\"}\n", "two.jsonl");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].ref, "two.jsonl:1");
  EXPECT_EQ(records[1].ref, "two.jsonl:2");
  EXPECT_EQ(records[1].bytes, "{\"title\":\"two\"}");
}

TEST(SplitRecords, PrettyObjectWhoseFirstLineIsIncompleteStaysWhole) {
  const std::string text = "{\n  \"title\": \"x\",\n  \"n\": 1\n}\n";
  const auto records = split(text, "p.json");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].ref, "p.json");
  EXPECT_EQ(records[0].bytes, "{\n  \"title\": \"x\",\n  \"n\": 1\n}");
}

TEST(SplitRecords, CefAndPlainTextLines) {
  const auto records = split(slurp(data_path("intake/firewall.log")), "firewall.log");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].kind, RecordKind::kCef);  // syslog header before CEF:
  EXPECT_EQ(records[1].kind, RecordKind::kCef);
  EXPECT_EQ(records[2].kind, RecordKind::kUnknownText);
  EXPECT_EQ(refs_of(records),
            (std::vector<std::string>{"firewall.log:1", "firewall.log:2", "firewall.log:3"}));
  EXPECT_EQ(records[1].bytes.rfind("CEF:0|Palo Alto Networks|", 0), 0u);
  for (const auto& r : records) EXPECT_FALSE(r.error);
}

TEST(SplitRecords, MixedLinesAreClassifiedOneByOne) {
  const auto records = split("plain words\n{\"a\":1}\nCEF:0|V|P|1|1|n|5|\n[1,2]\n", "mixed");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].kind, RecordKind::kUnknownText);
  EXPECT_EQ(records[1].kind, RecordKind::kJson);
  EXPECT_EQ(records[2].kind, RecordKind::kCef);
  EXPECT_EQ(records[3].kind, RecordKind::kJson);
}

TEST(SplitRecords, ByteOrderMarkIsStripped) {
  const auto one = split("\xEF\xBB\xBF{\n  \"title\": \"bom\"\n}", "bom.json");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].bytes.rfind("{", 0), 0u);
  EXPECT_FALSE(one[0].error);
  const auto lines = split("\xEF\xBB\xBF{\"a\":1}\n{\"b\":2}", "bom.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].bytes, "{\"a\":1}");
  EXPECT_EQ(lines[0].ref, "bom.jsonl:1");
  const auto array = split("\xEF\xBB\xBF[{\"a\":1}]", "bom-array.json");
  ASSERT_EQ(array.size(), 1u);
  EXPECT_FALSE(array[0].error);
  EXPECT_EQ(array[0].bytes, "{\"a\":1}");
}

TEST(SplitRecords, SingleObjectOverTheLimitIsTooLargeAndKeepsItsBytes) {
  ReadLimits limits;
  limits.max_alert_bytes = 1024;
  const std::string text = "{\"title\":\"" + std::string(2000, 'y') + "\"}";
  const auto records = split(text, "big.json", limits);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].ref, "big.json");
  ASSERT_TRUE(records[0].error);
  EXPECT_EQ(records[0].error->code, ErrorCode::kTooLarge);
  EXPECT_EQ(records[0].bytes, text);
  EXPECT_NE(records[0].error->message.find(std::to_string(text.size())), std::string::npos);
}

TEST(SplitRecords, ObjectExactlyAtTheLimitIsAccepted) {
  ReadLimits limits;
  const std::string text = "{\"t\":\"" + std::string(24, 'z') + "\"}";
  limits.max_alert_bytes = text.size();
  const auto records = split(text, "edge.json", limits);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_FALSE(records[0].error);
}

TEST(SplitRecords, JsonLineOverTheLimitIsTooLargeWithItsLineRef) {
  ReadLimits limits;
  limits.max_alert_bytes = 32;
  const std::string long_line = "{\"title\":\"" + std::string(64, 'q') + "\"}";
  const auto records = split("{\"a\":1}\n" + long_line + "\n{\"b\":2}\n", "l.jsonl", limits);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_FALSE(records[0].error);
  ASSERT_TRUE(records[1].error);
  EXPECT_EQ(records[1].error->code, ErrorCode::kTooLarge);
  EXPECT_EQ(records[1].ref, "l.jsonl:2");
  EXPECT_EQ(records[1].bytes, long_line);
  EXPECT_FALSE(records[2].error);
}

TEST(SplitRecords, TruncatedArrayIsAParseErrorRecord) {
  const std::string text = R"([{"title":"a"}, {"title":"b")";
  const auto records = split(text, "cut.json");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].ref, "cut.json");
  ASSERT_TRUE(records[0].error);
  EXPECT_EQ(records[0].error->code, ErrorCode::kParseError);
  EXPECT_EQ(records[0].bytes, text);
  EXPECT_NE(records[0].error->message.find("JSON array"), std::string::npos);
}

TEST(SplitRecords, DeeplyNestedArrayIsTooDeep) {
  const std::string text = std::string(10'000, '[') + std::string(10'000, ']');
  const auto records = split(text, "deep.json");
  ASSERT_EQ(records.size(), 1u);
  ASSERT_TRUE(records[0].error);
  EXPECT_EQ(records[0].error->code, ErrorCode::kTooDeep);
}

TEST(SplitRecords, NestingWithinTheConfiguredDepthIsFine) {
  ReadLimits limits;
  limits.max_depth = 16;
  const std::string ok = "[" + std::string(10, '[') + std::string(10, ']') + "]";
  const auto records = split(ok, "ok.json", limits);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_FALSE(records[0].error);
  const std::string deep = std::string(40, '[') + std::string(40, ']');
  const auto refused = split(deep, "deep.json", limits);
  ASSERT_EQ(refused.size(), 1u);
  ASSERT_TRUE(refused[0].error);
  EXPECT_EQ(refused[0].error->code, ErrorCode::kTooDeep);
}

TEST(SplitRecords, InvalidUtf8InsideAnArray) {
  const std::string text = "[{\"title\":\"bad \xC3\x28 byte\"}]";
  const auto records = split(text, "bad.json");
  ASSERT_EQ(records.size(), 1u);
  ASSERT_TRUE(records[0].error);
  EXPECT_EQ(records[0].error->code, ErrorCode::kInvalidUtf8);
  EXPECT_EQ(records[0].bytes, text);
}

TEST(SplitRecords, EmptyAndBlankInputsHaveNoRecords) {
  EXPECT_TRUE(split("").empty());
  EXPECT_TRUE(split(" \n\t\r\n ").empty());
  EXPECT_TRUE(split("\xEF\xBB\xBF").empty());
}

TEST(ReadFile, ReturnsExactBytesOrAnIoError) {
  const auto path = std::filesystem::temp_directory_path() / "soc_intake_test_read_file.bin";
  const std::string bytes("a\0b\r\n\xFF", 6);
  std::ofstream(path, std::ios::binary) << bytes;
  auto read = read_file(path.string());
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, bytes);
  std::filesystem::remove(path);
  auto missing =
      read_file((std::filesystem::temp_directory_path() / "soc_intake_test_no_such_file").string());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kIoError);
}

TEST(ReadFile, DirectoryIsAnIoErrorNotAnEmptyInput) {
  auto read = read_file(std::filesystem::temp_directory_path().string());
  ASSERT_FALSE(read) << "a directory was read as " << read->size() << " bytes of input";
  EXPECT_EQ(read.error().code, ErrorCode::kIoError);
}

}  // namespace
}  // namespace soc
