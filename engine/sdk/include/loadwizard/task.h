#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

namespace Loadwizard {

/// A lazily started coroutine, the shape of all scenario code: `Task<> iteration(Vuser &vu)`.
/// Awaiting a Task runs it and resumes the awaiter when it finishes (symmetric transfer, so
/// nested scenario helpers cost no stack). An exception escapes to the awaiter.
template <typename T = void>
class [[nodiscard]] Task;

namespace Detail {

struct FinalAwaiter
{
    bool await_ready() const noexcept { return false; }
    template <typename Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> done) noexcept
    {
        auto next = done.promise().continuation;
        return next ? next : std::noop_coroutine();
    }
    void await_resume() const noexcept {}
};

struct PromiseBase
{
    std::coroutine_handle<> continuation;
    std::exception_ptr exception;

    std::suspend_always initial_suspend() const noexcept { return {}; }
    FinalAwaiter final_suspend() const noexcept { return {}; }
    void unhandled_exception() noexcept { exception = std::current_exception(); }
};

template <typename T>
struct Promise : PromiseBase
{
    std::optional<T> value;
    Task<T> get_return_object() noexcept;
    template <typename U>
    void return_value(U &&v)
    {
        value.emplace(std::forward<U>(v));
    }
};

template <>
struct Promise<void> : PromiseBase
{
    Task<void> get_return_object() noexcept;
    void return_void() const noexcept {}
};

} // namespace Detail

template <typename T>
class [[nodiscard]] Task
{
public:
    using promise_type = Detail::Promise<T>;
    using Handle = std::coroutine_handle<promise_type>;

    Task() = default;
    explicit Task(Handle handle) noexcept
        : m_handle(handle)
    {}
    Task(Task &&other) noexcept
        : m_handle(std::exchange(other.m_handle, {}))
    {}
    Task &operator=(Task &&other) noexcept
    {
        if (this != &other) {
            reset();
            m_handle = std::exchange(other.m_handle, {});
        }
        return *this;
    }
    Task(const Task &) = delete;
    Task &operator=(const Task &) = delete;
    ~Task() { reset(); }

    bool await_ready() const noexcept { return !m_handle || m_handle.done(); }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiter) noexcept
    {
        m_handle.promise().continuation = awaiter;
        return m_handle;
    }
    T await_resume()
    {
        auto &promise = m_handle.promise();
        if (promise.exception)
            std::rethrow_exception(promise.exception);
        if constexpr (!std::is_void_v<T>)
            return std::move(*promise.value);
    }

    /// For the engine: the coroutine to resume first, and its state.
    Handle handle() const noexcept { return m_handle; }
    bool done() const noexcept { return !m_handle || m_handle.done(); }
    std::exception_ptr exception() const noexcept
    {
        return m_handle ? m_handle.promise().exception : nullptr;
    }
    void reset() noexcept
    {
        if (m_handle)
            m_handle.destroy();
        m_handle = {};
    }

private:
    Handle m_handle;
};

namespace Detail {

template <typename T>
Task<T> Promise<T>::get_return_object() noexcept
{
    return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}

inline Task<void> Promise<void>::get_return_object() noexcept
{
    return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}

} // namespace Detail

} // namespace Loadwizard
