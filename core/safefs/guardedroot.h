#pragma once

#include <string>
#include <string_view>

#include <sys/stat.h>
#include <sys/types.h>

namespace mistudio::safefs {

// Error values of this module: 0 for success, a positive errno, or kUnsafePath when a name breaks
// the path rules (pathrules.h) or would leave the root: through "..", an absolute name, or a
// symbolic link already on disk.
inline constexpr int kUnsafePath = -1;

// A file descriptor (caller closes it) or the error why there is none.
struct Opened
{
    int fd = -1;
    int error = 0;
    bool ok() const { return fd >= 0; }
};

// A directory that writes, renames and removes may not leave. Every operation opens the root
// (following links there: the root is the user's own choice, e.g. the data directory) and then
// walks the relative name one component at a time with openat(O_NOFOLLOW | O_DIRECTORY), so that
// neither "..", nor an absolute name, nor a symbolic link planted anywhere beneath the root can
// lead elsewhere; the last component is opened with O_NOFOLLOW as well, renamed with renameat()
// and removed with unlinkat(), which never follow a link. A string prefix check could not catch
// a link, nor a directory swapped for one between the check and the use.
//
// A value type holding paths only (no descriptor is kept between calls), so it may be copied and
// used from any thread.
class GuardedRoot
{
public:
    GuardedRoot() = default;
    explicit GuardedRoot(std::string root) : m_root(std::move(root)) {}

    const std::string &root() const { return m_root; }
    // The root followed by the prefix of a sub(): where this guard's names are resolved.
    std::string path() const;
    // root/prefix/rel, for messages only (never opened by path).
    std::string pathOf(std::string_view rel) const;

    // A guard for `rel` beneath this one, also reached without following links. An unsafe `rel`
    // gives a guard whose every operation fails with kUnsafePath.
    GuardedRoot sub(std::string_view rel) const;

    // openat(..., flags | O_NOFOLLOW | O_CLOEXEC, mode) of `rel`; with createParents, the missing
    // directories on the way are made (0755).
    Opened open(std::string_view rel, int flags, mode_t mode = 0644, bool createParents = false) const;
    // The directory `rel` ("" = this guard's own directory), made when missing with `create`.
    Opened openDir(std::string_view rel, bool create = false) const;

    int makeDirs(std::string_view rel) const; // every missing component of `rel` (0755)
    int makeDir(std::string_view rel, mode_t mode) const; // the last one only; EEXIST when present
    int rename(std::string_view from, std::string_view to) const;
    int remove(std::string_view rel) const;     // a file or link; a missing one is not an error
    int removeDir(std::string_view rel) const;  // an empty directory; missing is not an error
    int removeTree(std::string_view rel) const; // a directory and all beneath it (links are removed, never followed)
    int stat(std::string_view rel, struct stat *st) const; // of `rel` itself (a link is reported as a link)
    int syncDir(std::string_view rel = {}) const; // fsync of a directory (after a create or rename in it)

private:
    std::string full(std::string_view rel) const;
    Opened openRoot() const;
    // The directory holding the last component of `rel`, and that component.
    Opened openParent(std::string_view rel, bool create, std::string *leaf) const;
    // fn(folder fd, last component) on the folder holding `rel`; a missing folder is 0 (done)
    // when missingIsDone.
    template<class Fn>
    int atParent(std::string_view rel, bool missingIsDone, Fn fn) const;

    std::string m_root;
    std::string m_prefix; // checked relative name, empty for the root itself
    bool m_unsafe = false;
};

// Why an operation on `rel` failed, for a message: the broken rule for kUnsafePath ("is an
// absolute path", "passes through a symbolic link", ...), else strerror(error).
std::string describeError(int error, std::string_view rel = {});

} // namespace mistudio::safefs
