#include <loadwizard/atomicfile.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Loadwizard {

namespace fs = std::filesystem;

tl::expected<AtomicFile, Error> AtomicFile::open(const std::string &path)
{
    AtomicFile file;
    file.m_path = path;
    std::error_code ec;
    fs::path target(path);
    struct stat existing;
    if (::stat(path.c_str(), &existing) == 0) {
        if (S_ISDIR(existing.st_mode))
            return tl::unexpected(file.failure("cannot write", EISDIR));
        if (!S_ISREG(existing.st_mode)) {
            // A device, a FIFO or /dev/stdout: written into as it is, never renamed over.
            // O_NONBLOCK: a FIFO nobody reads fails at once (ENXIO) instead of blocking the
            // process before its signals are watched; writes block again as usual.
            file.m_fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NONBLOCK);
            if (file.m_fd < 0 && errno == ENXIO)
                return tl::unexpected(
                    file.failure("cannot open (a FIFO that nobody reads)", ENXIO));
            if (file.m_fd < 0)
                return tl::unexpected(file.failure("cannot open", errno));
            ::fcntl(file.m_fd, F_SETFL, ::fcntl(file.m_fd, F_GETFL) & ~O_NONBLOCK);
            file.m_direct = true;
            return file;
        }
        const fs::path resolved = fs::canonical(target, ec); // write through symlinks
        if (!ec)
            target = resolved;
    } else {
        // A dangling symlink: create the file it points to rather than replace the link.
        for (int hops = 0; hops < 40 && fs::is_symlink(target, ec); ++hops) {
            const fs::path link = fs::read_symlink(target, ec);
            if (ec)
                break;
            target = link.is_absolute() ? link : target.parent_path() / link;
        }
    }
    fs::path folder = target.parent_path();
    if (folder.empty())
        folder = ".";
    file.m_target = target.string();
    struct stat info;
    const mode_t mode = ::stat(target.c_str(), &info) == 0 ? (info.st_mode & 07777) : 0644;
    // An unnamed file in the folder (O_TMPFILE) gets a name only at commit(): a process killed
    // meanwhile (SIGKILL, a crash) leaves nothing behind. Some file systems lack it.
    file.m_fd = ::open(folder.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
    if (file.m_fd >= 0) {
        file.m_unnamed = true;
        if (::fchmod(file.m_fd, mode) == 0) // the umask narrowed what open() was given
            return file;
        const int error = errno;
        file.abandon();
        return tl::unexpected(file.failure("cannot set the permissions for", error));
    }
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        return tl::unexpected(file.failure("cannot create a temporary file next to", errno));
    std::string temporary = (folder / ('.' + target.filename().string() + ".XXXXXX")).string();
    file.m_fd = ::mkstemp(temporary.data());
    if (file.m_fd < 0)
        return tl::unexpected(file.failure("cannot create a temporary file next to", errno));
    file.m_temporary = std::move(temporary);
    // mkstemp makes the file 0600; keep the mode of the file we replace.
    if (::fchmod(file.m_fd, mode) != 0) {
        const int error = errno;
        file.abandon();
        return tl::unexpected(file.failure("cannot set the permissions for", error));
    }
    return file;
}

AtomicFile::AtomicFile(AtomicFile &&other) noexcept
    : m_path(std::move(other.m_path))
    , m_target(std::move(other.m_target))
    , m_temporary(std::exchange(other.m_temporary, {}))
    , m_fd(std::exchange(other.m_fd, -1))
    , m_failed(other.m_failed)
    , m_direct(other.m_direct)
    , m_unnamed(other.m_unnamed)
{}

AtomicFile &AtomicFile::operator=(AtomicFile &&other) noexcept
{
    if (this != &other) {
        abandon();
        m_path = std::move(other.m_path);
        m_target = std::move(other.m_target);
        m_temporary = std::exchange(other.m_temporary, {});
        m_fd = std::exchange(other.m_fd, -1);
        m_failed = other.m_failed;
        m_direct = other.m_direct;
        m_unnamed = other.m_unnamed;
    }
    return *this;
}

AtomicFile::~AtomicFile()
{
    abandon();
}

void AtomicFile::abandon()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    if (!m_temporary.empty())
        ::unlink(m_temporary.c_str());
    m_temporary.clear();
}

Error AtomicFile::failure(const std::string &what, int error) const
{
    Error result;
    result.message = what + ' ' + m_path + ": " + std::strerror(error);
    result.file = m_path;
    return result;
}

tl::expected<void, Error> AtomicFile::write(std::string_view data)
{
    // After a failure the file is closed: say what ended it (a full disk), not EBADF.
    if (m_fd < 0)
        return tl::unexpected(failure("cannot write", m_failed ? m_failed : EBADF));
    for (std::size_t written = 0; written < data.size();) {
        const ssize_t n = ::write(m_fd, data.data() + written, data.size() - written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int error = errno;
            m_failed = error;
            abandon();
            return tl::unexpected(failure("cannot write", error));
        }
        written += std::size_t(n);
    }
    return {};
}

tl::expected<void, Error> AtomicFile::giveName()
{
    // linkat() through /proc is how open(2) says to name an O_TMPFILE file without privileges;
    // the name is a temporary one, renamed over the target like mkstemp()'s.
    const std::string self = "/proc/self/fd/" + std::to_string(m_fd);
    fs::path folder = fs::path(m_target).parent_path();
    if (folder.empty())
        folder = ".";
    const std::string stem = (folder / ('.' + fs::path(m_target).filename().string() + '.' +
                                        std::to_string(::getpid()) + '.'))
                                 .string();
    for (unsigned attempt = 0; attempt < 100; ++attempt) {
        std::string name = stem + std::to_string(attempt);
        if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
            m_temporary = std::move(name);
            return {};
        }
        if (errno != EEXIST) {
            const int error = errno;
            abandon();
            return tl::unexpected(failure("cannot replace", error));
        }
    }
    const int error = errno;
    abandon();
    return tl::unexpected(failure("cannot replace", error));
}

tl::expected<void, Error> AtomicFile::commit()
{
    if (m_fd < 0)
        return tl::unexpected(failure("cannot write", m_failed ? m_failed : EBADF));
    if (m_direct) {
        const int closed = ::close(m_fd);
        m_fd = -1;
        if (closed != 0)
            return tl::unexpected(failure("cannot write", errno));
        return {};
    }
    if (::fsync(m_fd) != 0) {
        const int error = errno;
        abandon();
        return tl::unexpected(failure("cannot flush", error));
    }
    if (m_unnamed) {
        if (auto named = giveName(); !named)
            return named;
    }
    const int closed = ::close(m_fd);
    m_fd = -1;
    if (closed != 0) {
        const int error = errno;
        abandon();
        return tl::unexpected(failure("cannot write", error));
    }
    if (::rename(m_temporary.c_str(), m_target.c_str()) != 0) {
        const int error = errno;
        abandon();
        return tl::unexpected(failure("cannot replace", error));
    }
    m_temporary.clear();
    // Make the rename itself durable; a failure here leaves a complete file, so it is ignored.
    fs::path folder = fs::path(m_target).parent_path();
    if (folder.empty())
        folder = ".";
    if (const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY); dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return {};
}

tl::expected<void, Error> writeFileAtomically(const std::string &path, std::string_view content)
{
    auto file = AtomicFile::open(path);
    if (!file)
        return tl::unexpected(file.error());
    if (auto ok = file->write(content); !ok)
        return ok;
    return file->commit();
}

} // namespace Loadwizard
