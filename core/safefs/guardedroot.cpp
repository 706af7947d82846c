#include "safefs/guardedroot.h"

#include "safefs/pathrules.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

namespace mistudio::safefs {
namespace {

class Fd
{
public:
    explicit Fd(int fd = -1) : m_fd(fd) {}
    ~Fd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    int get() const { return m_fd; }
    int release()
    {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }
    void reset(int fd)
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = fd;
    }

private:
    int m_fd;
};

std::vector<std::string> components(std::string_view rel)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= rel.size()) {
        const std::size_t slash = rel.find('/', start);
        const std::size_t end = slash == std::string_view::npos ? rel.size() : slash;
        out.emplace_back(rel.substr(start, end - start));
        if (slash == std::string_view::npos)
            break;
        start = slash + 1;
    }
    return out;
}

bool isLink(int dirfd, const char *name)
{
    struct stat st {};
    return ::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

// A failed open(O_NOFOLLOW) of a link says ELOOP (or ENOTDIR with O_DIRECTORY): report that
// as an unsafe path, not as an I/O error.
int classify(int err, int dirfd, const char *name)
{
    if ((err == ELOOP || err == ENOTDIR || err == EMLINK) && isLink(dirfd, name))
        return kUnsafePath;
    return err;
}

// The directory `name` inside dirfd, never through a link; made first when missing with `create`.
Opened stepInto(int dirfd, const std::string &name, bool create)
{
    constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int fd = ::openat(dirfd, name.c_str(), kDirFlags);
    if (fd < 0 && errno == ENOENT && create) {
        if (::mkdirat(dirfd, name.c_str(), 0755) != 0 && errno != EEXIST)
            return {-1, errno};
        fd = ::openat(dirfd, name.c_str(), kDirFlags);
    }
    if (fd < 0)
        return {-1, classify(errno, dirfd, name.c_str())};
    return {fd, 0};
}

int removeBelow(int dirfd, const char *name)
{
    struct stat st {};
    if (::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? 0 : errno;
    if (!S_ISDIR(st.st_mode))
        return ::unlinkat(dirfd, name, 0) == 0 || errno == ENOENT ? 0 : errno;
    const int fd = ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return classify(errno, dirfd, name);
    DIR *dir = ::fdopendir(fd); // owns fd from here
    if (!dir) {
        const int e = errno;
        ::close(fd);
        return e;
    }
    int err = 0;
    while (dirent *e = ::readdir(dir)) {
        if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0)
            continue;
        if (const int r = removeBelow(::dirfd(dir), e->d_name); r != 0 && err == 0)
            err = r;
    }
    ::closedir(dir);
    if (err != 0)
        return err;
    return ::unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT ? 0 : errno;
}

} // namespace

std::string GuardedRoot::path() const
{
    return m_prefix.empty() ? m_root : m_root + '/' + m_prefix;
}

std::string GuardedRoot::pathOf(std::string_view rel) const
{
    return rel.empty() ? path() : path() + '/' + std::string(rel);
}

std::string GuardedRoot::full(std::string_view rel) const
{
    if (m_prefix.empty())
        return std::string(rel);
    if (rel.empty())
        return m_prefix;
    return m_prefix + '/' + std::string(rel);
}

GuardedRoot GuardedRoot::sub(std::string_view rel) const
{
    GuardedRoot g = *this;
    if (rel.empty())
        return g;
    if (relativePathProblem(rel))
        g.m_unsafe = true;
    else
        g.m_prefix = full(rel);
    return g;
}

Opened GuardedRoot::openRoot() const
{
    if (m_unsafe)
        return {-1, kUnsafePath};
    const int fd = ::open(m_root.empty() ? "." : m_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return {-1, errno};
    return {fd, 0};
}

Opened GuardedRoot::openParent(std::string_view rel, bool create, std::string *leaf) const
{
    if (rel.empty())
        return {-1, EINVAL};
    if (m_unsafe || relativePathProblem(rel))
        return {-1, kUnsafePath};
    const std::vector<std::string> parts = components(full(rel));
    const Opened root = openRoot();
    if (!root.ok())
        return root;
    Fd dir(root.fd);
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        const Opened next = stepInto(dir.get(), parts[i], create);
        if (!next.ok())
            return next;
        dir.reset(next.fd);
    }
    *leaf = parts.back();
    return {dir.release(), 0};
}

Opened GuardedRoot::openDir(std::string_view rel, bool create) const
{
    if (!rel.empty() && relativePathProblem(rel))
        return {-1, kUnsafePath};
    const Opened root = openRoot();
    if (!root.ok())
        return root;
    Fd dir(root.fd);
    const std::string f = full(rel);
    if (f.empty())
        return {dir.release(), 0};
    for (const std::string &part : components(f)) {
        const Opened next = stepInto(dir.get(), part, create);
        if (!next.ok())
            return next;
        dir.reset(next.fd);
    }
    return {dir.release(), 0};
}

Opened GuardedRoot::open(std::string_view rel, int flags, mode_t mode, bool createParents) const
{
    std::string leaf;
    const Opened parent = openParent(rel, createParents, &leaf);
    if (!parent.ok())
        return parent;
    Fd dir(parent.fd);
    const int fd = ::openat(dir.get(), leaf.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        return {-1, classify(errno, dir.get(), leaf.c_str())};
    return {fd, 0};
}

int GuardedRoot::makeDirs(std::string_view rel) const
{
    const Opened d = openDir(rel, true);
    if (!d.ok())
        return d.error;
    ::close(d.fd);
    return 0;
}

template<class Fn>
int GuardedRoot::atParent(std::string_view rel, bool missingIsDone, Fn fn) const
{
    std::string leaf;
    const Opened parent = openParent(rel, false, &leaf);
    if (!parent.ok())
        return missingIsDone && parent.error == ENOENT ? 0 : parent.error;
    Fd dir(parent.fd);
    return fn(dir.get(), leaf.c_str());
}

int GuardedRoot::makeDir(std::string_view rel, mode_t mode) const
{
    return atParent(rel, false, [mode](int dir, const char *leaf) { return ::mkdirat(dir, leaf, mode) == 0 ? 0 : errno; });
}

int GuardedRoot::rename(std::string_view from, std::string_view to) const
{
    std::string fromLeaf, toLeaf;
    const Opened a = openParent(from, false, &fromLeaf);
    if (!a.ok())
        return a.error;
    Fd fromDir(a.fd);
    const Opened b = openParent(to, false, &toLeaf);
    if (!b.ok())
        return b.error;
    Fd toDir(b.fd);
    return ::renameat(fromDir.get(), fromLeaf.c_str(), toDir.get(), toLeaf.c_str()) == 0 ? 0 : errno;
}

int GuardedRoot::remove(std::string_view rel) const
{
    return atParent(rel, true, [](int dir, const char *leaf) {
        return ::unlinkat(dir, leaf, 0) == 0 || errno == ENOENT ? 0 : errno;
    });
}

int GuardedRoot::removeDir(std::string_view rel) const
{
    return atParent(rel, true, [](int dir, const char *leaf) {
        return ::unlinkat(dir, leaf, AT_REMOVEDIR) == 0 || errno == ENOENT ? 0 : errno;
    });
}

int GuardedRoot::removeTree(std::string_view rel) const
{
    return atParent(rel, true, [](int dir, const char *leaf) { return removeBelow(dir, leaf); });
}

int GuardedRoot::stat(std::string_view rel, struct stat *st) const
{
    if (rel.empty()) {
        const Opened d = openDir({}, false);
        if (!d.ok())
            return d.error;
        const int rc = ::fstat(d.fd, st) == 0 ? 0 : errno;
        ::close(d.fd);
        return rc;
    }
    return atParent(rel, false, [st](int dir, const char *leaf) {
        return ::fstatat(dir, leaf, st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : errno;
    });
}

int GuardedRoot::syncDir(std::string_view rel) const
{
    const Opened d = openDir(rel, false);
    if (!d.ok())
        return d.error;
    const int rc = ::fsync(d.fd) == 0 ? 0 : errno;
    ::close(d.fd);
    return rc == EINVAL ? 0 : rc; // some file systems cannot fsync a directory: nothing to do
}

std::string describeError(int error, std::string_view rel)
{
    if (error == kUnsafePath) {
        if (const char *why = rel.empty() ? nullptr : relativePathProblem(rel))
            return why;
        return "leaves its folder or passes through a symbolic link";
    }
    return std::strerror(error);
}

} // namespace mistudio::safefs
