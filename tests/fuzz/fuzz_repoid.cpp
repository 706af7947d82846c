// The repo-id and revision validators (core/common/repoid) on hostile text: what a user, an API
// client or a stored catalogue row hands to RepoId::parse / fromDirName / validateRevision. Half
// An input is read as UTF-8, or as raw UTF-16 (lone surrogates, NULs) when its first byte is 0.
//
// A valid id must become one safe directory name and come back from it unchanged; a valid
// revision must be safe to put in a URL path segment after percent-encoding and in a file name.
#include "fuzzcheck.h"
#include "fuzzinput.h"

#include "common/repoid.h"


using namespace mistudio;
using namespace Qt::Literals::StringLiterals;

namespace {

bool safeComponent(const QString &s)
{
    if (s.isEmpty() || s == u"."_s || s == u".."_s || s.size() > 255)
        return false;
    for (QChar c : s) {
        if (c == u'/' || c == u'\\' || c.unicode() < 0x20 || c.unicode() >= 0x7f)
            return false;
    }
    return true;
}

void checkRepoId(const QString &text)
{
    const auto id = RepoId::parse(text);
    if (!id.ok()) {
        FUZZ_CHECK(id.error().code == ErrorCode::InvalidInput);
        return;
    }
    FUZZ_CHECK(id->isValid());
    FUZZ_CHECK(id->toString() == text);
    FUZZ_CHECK(safeComponent(id->dirName()));
    if (!id->nameSpace().isEmpty())
        FUZZ_CHECK(safeComponent(id->nameSpace()));
    FUZZ_CHECK(safeComponent(id->name()));
    const auto back = RepoId::fromDirName(id->dirName());
    FUZZ_CHECK(back.ok());
    FUZZ_CHECK(*back == *id);
}

void checkDirName(const QString &text)
{
    if (text.contains(u'/'))
        return; // not a directory name
    const auto id = RepoId::fromDirName(text);
    if (!id.ok())
        return;
    // Only the directory name the id would produce maps to it (no two folders for one model).
    FUZZ_CHECK(id->dirName() == text);
}

void checkRevision(const QString &text)
{
    const auto rev = validateRevision(text);
    if (!rev.ok()) {
        FUZZ_CHECK(rev.error().code == ErrorCode::InvalidInput);
        FUZZ_CHECK(!isCommitSha(text) || text.isEmpty());
        return;
    }
    FUZZ_CHECK(*rev == text);
    FUZZ_CHECK(!text.isEmpty() && text.size() <= 255);
    FUZZ_CHECK(!text.contains(u".."_s) && !text.startsWith(u'/') && !text.contains(u'\\'));
    for (QChar c : text)
        FUZZ_CHECK(c.unicode() >= 0x20 && c.unicode() != 0x7f && !c.isSpace());
    if (isCommitSha(text))
        FUZZ_CHECK(text.size() == 40);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = fuzz::inputText(data, size);
    checkRepoId(text);
    checkDirName(text);
    checkRevision(text);
    return 0;
}
