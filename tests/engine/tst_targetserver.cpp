#include <loadwizard/targetserver.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

using namespace Loadwizard;

namespace {

struct Reply
{
    int status = 0;
    std::multimap<std::string, std::string> headers; // lower-case names
    std::string body;
    std::string error;

    std::string header(const std::string &name) const
    {
        const auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
    QJsonObject json() const
    {
        return QJsonDocument::fromJson(QByteArray::fromStdString(body)).object();
    }
};

std::string lower(std::string text)
{
    for (char &c : text)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// A deliberately plain HTTP/1.1 client (one request per connection, Connection: close), so the
// server is checked by code that shares nothing with it.
Reply request(int port, const std::string &method, const std::string &target,
              const std::string &body = {},
              const std::vector<std::pair<std::string, std::string>> &headers = {})
{
    Reply reply;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval timeout{30, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(std::uint16_t(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        reply.error = std::string("connect: ") + std::strerror(errno);
        ::close(fd);
        return reply;
    }
    std::string out = method + ' ' + target +
                      " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                      "\r\nConnection: close\r\n";
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
        out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    out += "\r\n" + body;
    for (std::size_t sent = 0; sent < out.size();) {
        const ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            reply.error = std::string("send: ") + std::strerror(errno);
            ::close(fd);
            return reply;
        }
        sent += std::size_t(n);
    }
    std::string in;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            reply.error = std::string("recv: ") + std::strerror(errno);
        if (n <= 0)
            break;
        in.append(buffer, std::size_t(n));
    }
    ::close(fd);

    const auto headerEnd = in.find("\r\n\r\n");
    if (headerEnd == std::string::npos || in.compare(0, 9, "HTTP/1.1 ") != 0) {
        reply.error += " malformed response: " + in.substr(0, 200);
        return reply;
    }
    reply.status = std::stoi(in.substr(9, 3));
    std::size_t line = in.find("\r\n") + 2;
    while (line < headerEnd) {
        const auto next = in.find("\r\n", line);
        const std::string field = in.substr(line, next - line);
        const auto colon = field.find(':');
        auto valueStart = field.find_first_not_of(' ', colon + 1);
        reply.headers.emplace(lower(field.substr(0, colon)),
                              valueStart == std::string::npos ? "" : field.substr(valueStart));
        line = next + 2;
    }
    reply.body = in.substr(headerEnd + 4);
    return reply;
}

Reply get(int port, const std::string &target,
          const std::vector<std::pair<std::string, std::string>> &headers = {})
{
    return request(port, "GET", target, {}, headers);
}

Reply postForm(int port, const std::string &target, const std::string &form,
               const std::string &cookie = {})
{
    std::vector<std::pair<std::string, std::string>> headers{
        {"Content-Type", "application/x-www-form-urlencoded"}};
    if (!cookie.empty())
        headers.emplace_back("Cookie", cookie);
    return request(port, "POST", target, form, headers);
}

} // namespace

class TestTargetServer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void startsOnAFreePortWhenAskedForPortZero();
    void servesHealthAndIndex();
    void answersTheRequestedStatus_data();
    void answersTheRequestedStatus();
    void delaysTheResponseByTheRequestedMilliseconds();
    void stopWakesPendingDelays();
    void stopClosesIdleKeepAliveConnections();
    void sendsTheRequestedNumberOfBytes_data();
    void sendsTheRequestedNumberOfBytes();
    void repeatsBytesForTheSameSeed();
    void echoesAnythingWithAnyMethod_data();
    void echoesAnythingWithAnyMethod();
    void setsCookiesAndRedirectsToThem();
    void readsTheRequestCookies();
    void refusesLoginWithoutTheRightPassword_data();
    void refusesLoginWithoutTheRightPassword();
    void refusesShopPagesWithoutASession();
    void runsTheShopFlow();
    void refusesBadCartInput();
    void refusesABusyPortNamingIt();
    void refusesASecondStartAndABadPort();
    void waitReturnsOnceStoppedAndRestartWorks();
    void cleanupTestCase();

private:
    std::string login();

    TargetServer m_server;
    int m_port = 0;
};

void TestTargetServer::initTestCase()
{
    const auto started = m_server.start("127.0.0.1", 0);
    QVERIFY2(started, started ? "" : started.error().toString().c_str());
    m_port = m_server.port();
}

void TestTargetServer::startsOnAFreePortWhenAskedForPortZero()
{
    QVERIFY(m_port > 0);
    QVERIFY(m_server.isRunning());
    QCOMPARE(m_server.baseUrl(), "http://127.0.0.1:" + std::to_string(m_port));
}

void TestTargetServer::servesHealthAndIndex()
{
    const Reply health = get(m_port, "/health");
    QCOMPARE(health.error, std::string());
    QCOMPARE(health.status, 200);
    QCOMPARE(health.body, std::string("ok"));

    const Reply index = get(m_port, "/");
    QCOMPARE(index.status, 200);
    QVERIFY(index.header("content-type").starts_with("text/html"));
    QVERIFY(index.body.find("<html>") != std::string::npos);

    QCOMPARE(get(m_port, "/no/such/page").status, 404);
}

void TestTargetServer::answersTheRequestedStatus_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("expected");
    for (int code : {200, 201, 204, 301, 404, 418, 500, 503, 599})
        QTest::newRow(qPrintable(QString::number(code))) << QString::number(code) << code;
    QTest::newRow("below 100") << "99" << 400;
    QTest::newRow("above 599") << "600" << 400;
    QTest::newRow("huge") << "99999999999999999999999" << 400;
}

void TestTargetServer::answersTheRequestedStatus()
{
    QFETCH(QString, code);
    QFETCH(int, expected);
    QCOMPARE(get(m_port, "/status/" + code.toStdString()).status, expected);
    QCOMPARE(request(m_port, "POST", "/status/" + code.toStdString()).status, expected);
}

void TestTargetServer::delaysTheResponseByTheRequestedMilliseconds()
{
    const auto start = std::chrono::steady_clock::now();
    const Reply reply = get(m_port, "/delay/300");
    const auto elapsed = std::chrono::steady_clock::now() - start;
    QCOMPARE(reply.status, 200);
    QVERIFY(elapsed >= std::chrono::milliseconds(300));
    QVERIFY(elapsed < std::chrono::seconds(5));
    QCOMPARE(reply.json().value("delay_ms").toInt(), 300);
}

void TestTargetServer::stopWakesPendingDelays()
{
    TargetServer server;
    QVERIFY(server.start("127.0.0.1", 0));
    const int port = server.port();
    Reply reply;
    std::thread client([&] { reply = get(port, "/delay/999999"); }); // capped at 60 s
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto start = std::chrono::steady_clock::now();
    server.stop();
    client.join();
    QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    QVERIFY2(reply.status == 200, (reply.error + " / " + reply.body).c_str());
    QCOMPARE(reply.json().value("delay_ms").toInt(), 60000);
    QCOMPARE(reply.json().value("completed").toBool(), false);
    QVERIFY(!server.isRunning());
}

void TestTargetServer::stopClosesIdleKeepAliveConnections()
{
    TargetServer server;
    QVERIFY(server.start("127.0.0.1", 0));
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(std::uint16_t(server.port()));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
    const std::string get = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"; // keep-alive
    QCOMPARE(::send(fd, get.data(), get.size(), MSG_NOSIGNAL), ssize_t(get.size()));
    char buffer[1024];
    std::string response;
    while (!response.ends_with("\r\n\r\nok")) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        QVERIFY(n > 0);
        response.append(buffer, std::size_t(n));
    }

    const auto start = std::chrono::steady_clock::now();
    server.stop(); // the connection is idle now, kept alive for up to 10 s
    QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    QCOMPARE(::recv(fd, buffer, sizeof buffer, 0), ssize_t(0)); // closed by the server
    ::close(fd);
}

void TestTargetServer::sendsTheRequestedNumberOfBytes_data()
{
    QTest::addColumn<QString>("count");
    QTest::addColumn<int>("expected");
    QTest::newRow("none") << "0" << 0;
    QTest::newRow("one") << "1" << 1;
    QTest::newRow("odd") << "1001" << 1001;
    QTest::newRow("1 MiB") << "1048576" << 1048576;
    QTest::newRow("capped at 10 MiB") << "20000000" << 10 * 1024 * 1024;
}

void TestTargetServer::sendsTheRequestedNumberOfBytes()
{
    QFETCH(QString, count);
    QFETCH(int, expected);
    const Reply reply = get(m_port, "/bytes/" + count.toStdString());
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("content-type"), std::string("application/octet-stream"));
    QCOMPARE(int(reply.body.size()), expected);
    QCOMPARE(reply.header("content-length"), std::to_string(expected));
    if (expected >= 1000) // random, so not all one byte
        QVERIFY(reply.body.find_first_not_of(reply.body[0]) != std::string::npos);
}

void TestTargetServer::repeatsBytesForTheSameSeed()
{
    const Reply first = get(m_port, "/bytes/100?seed=7");
    const Reply second = get(m_port, "/bytes/100?seed=7");
    const Reply other = get(m_port, "/bytes/100?seed=8");
    QCOMPARE(first.body.size(), std::size_t(100));
    QCOMPARE(first.body, second.body);
    QVERIFY(first.body != other.body);
}

void TestTargetServer::echoesAnythingWithAnyMethod_data()
{
    QTest::addColumn<QString>("method");
    for (const char *method : {"GET", "POST", "PUT", "PATCH", "DELETE"})
        QTest::newRow(method) << method;
}

void TestTargetServer::echoesAnythingWithAnyMethod()
{
    QFETCH(QString, method);
    const std::string body = method == "GET" ? "" : "a=1&b=two+words";
    const Reply reply =
        request(m_port, method.toStdString(), "/anything/x/y?q=1&q=2&name=lw", body,
                {{"X-Test", "hello"}, {"Content-Type", "application/x-www-form-urlencoded"}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("content-type"), std::string("application/json"));
    const QJsonObject echo = reply.json();
    QCOMPARE(echo.value("method").toString(), method);
    QCOMPARE(echo.value("path").toString(), QString("/anything/x/y"));
    QCOMPARE(echo.value("args").toObject().value("name").toString(), QString("lw"));
    QCOMPARE(echo.value("args").toObject().value("q").toArray(),
             QJsonArray({QString("1"), QString("2")}));
    QCOMPARE(echo.value("headers").toObject().value("X-Test").toString(), QString("hello"));
    QVERIFY(!echo.value("headers").toObject().contains("REMOTE_ADDR"));
    QCOMPARE(echo.value("body").toString().toStdString(), body);
    if (!body.empty())
        QCOMPARE(echo.value("form").toObject().value("b").toString(), QString("two words"));
    QCOMPARE(echo.value("origin").toString(), QString("127.0.0.1"));

    const Reply bare = request(m_port, method.toStdString(), "/anything");
    QCOMPARE(bare.status, 200);
    QCOMPARE(bare.json().value("path").toString(), QString("/anything"));

    const Reply json = request(m_port, "POST", "/anything", R"({"k": [1, 2]})",
                               {{"Content-Type", "application/json"}});
    QCOMPARE(json.json().value("json").toObject().value("k").toArray(), QJsonArray({1, 2}));
}

void TestTargetServer::setsCookiesAndRedirectsToThem()
{
    const Reply reply = get(m_port, "/cookies/set?flavour=vanilla&size=2");
    QCOMPARE(reply.status, 302);
    QCOMPARE(reply.header("location"), std::string("/cookies"));
    std::vector<std::string> cookies;
    for (auto [it, end] = reply.headers.equal_range("set-cookie"); it != end; ++it)
        cookies.push_back(it->second);
    std::sort(cookies.begin(), cookies.end());
    QCOMPARE(cookies, std::vector<std::string>({"flavour=vanilla; Path=/", "size=2; Path=/"}));
}

void TestTargetServer::readsTheRequestCookies()
{
    const Reply reply = get(m_port, "/cookies", {{"Cookie", "flavour=vanilla; size=2"}});
    QCOMPARE(reply.status, 200);
    const QJsonObject cookies = reply.json().value("cookies").toObject();
    QCOMPARE(cookies.size(), 2);
    QCOMPARE(cookies.value("flavour").toString(), QString("vanilla"));
    QCOMPARE(cookies.value("size").toString(), QString("2"));

    QCOMPARE(get(m_port, "/cookies").json().value("cookies").toObject().size(), 0);
}

void TestTargetServer::refusesLoginWithoutTheRightPassword_data()
{
    QTest::addColumn<QString>("form");
    QTest::newRow("wrong password") << "user=demo&password=guess";
    QTest::newRow("no password") << "user=demo";
    QTest::newRow("empty user") << "user=&password=secret";
    QTest::newRow("nothing") << "";
}

void TestTargetServer::refusesLoginWithoutTheRightPassword()
{
    QFETCH(QString, form);
    const Reply reply = postForm(m_port, "/login", form.toStdString());
    QCOMPARE(reply.status, 401);
    QVERIFY(reply.header("set-cookie").empty());
}

// Logs in as "demo" and returns the Cookie header value for the new session.
std::string TestTargetServer::login()
{
    const Reply reply = postForm(m_port, "/login", "user=demo&password=secret");
    if (reply.status != 200)
        return {};
    const std::string setCookie = reply.header("set-cookie");
    if (!setCookie.starts_with("session=") || setCookie.find("HttpOnly") == std::string::npos)
        return {};
    return setCookie.substr(0, setCookie.find(';'));
}

void TestTargetServer::refusesShopPagesWithoutASession()
{
    QCOMPARE(get(m_port, "/products").status, 401);
    QCOMPARE(get(m_port, "/products", {{"Cookie", "session=forged"}}).status, 401);
    QCOMPARE(get(m_port, "/products/1").status, 401);
    QCOMPARE(postForm(m_port, "/cart", "product=1&quantity=1").status, 401);
    QCOMPARE(postForm(m_port, "/checkout", "").status, 401);
}

void TestTargetServer::runsTheShopFlow()
{
    const std::string cookie = login();
    QVERIFY(!cookie.empty());
    const std::vector<std::pair<std::string, std::string>> session{{"Cookie", cookie}};

    const Reply products = get(m_port, "/products", session);
    QCOMPARE(products.status, 200);
    const QJsonArray list = products.json().value("products").toArray();
    QCOMPARE(list.size(), 20);
    const QJsonObject first = list.first().toObject();
    QVERIFY(first.contains("id") && first.contains("name") && first.contains("price"));

    const Reply product = get(m_port, "/products/3", session);
    QCOMPARE(product.status, 200);
    QCOMPARE(product.json().value("id").toInt(), 3);
    QCOMPARE(get(m_port, "/products/999", session).status, 404);

    QCOMPARE(postForm(m_port, "/checkout", "", cookie).status, 409); // empty cart

    const Reply cart = postForm(m_port, "/cart", "product=3&quantity=2", cookie);
    QCOMPARE(cart.status, 200);
    const double price = product.json().value("price").toDouble();
    QCOMPARE(cart.json().value("count").toInt(), 2);
    QCOMPARE(cart.json().value("total").toDouble(), 2 * price);
    QCOMPARE(postForm(m_port, "/cart", "product=1", cookie).json().value("count").toInt(), 3);

    const Reply order = postForm(m_port, "/checkout", "", cookie);
    QCOMPARE(order.status, 200);
    QVERIFY(order.json().value("order_id").toString().startsWith("ORD-"));
    QCOMPARE(order.json().value("total").toDouble(),
             2 * price + list.first().toObject().value("price").toDouble());

    QCOMPARE(postForm(m_port, "/checkout", "", cookie).status, 409); // the cart was emptied

    const Reply logout = postForm(m_port, "/logout", "", cookie);
    QCOMPARE(logout.status, 200);
    QCOMPARE(get(m_port, "/products", session).status, 401);
}

void TestTargetServer::refusesBadCartInput()
{
    const std::string cookie = login();
    QVERIFY(!cookie.empty());
    QCOMPARE(postForm(m_port, "/cart", "product=999&quantity=1", cookie).status, 404);
    QCOMPARE(postForm(m_port, "/cart", "product=abc", cookie).status, 404);
    QCOMPARE(postForm(m_port, "/cart", "product=2&quantity=0", cookie).status, 400);
    QCOMPARE(postForm(m_port, "/cart", "product=2&quantity=many", cookie).status, 400);
    QCOMPARE(postForm(m_port, "/cart", "product=2&quantity=1001", cookie).status, 400);
    QCOMPARE(postForm(m_port, "/logout", "", cookie).status, 200);
}

void TestTargetServer::refusesABusyPortNamingIt()
{
    TargetServer second;
    const auto started = second.start("127.0.0.1", m_port);
    QVERIFY(!started);
    const std::string message = started.error().message;
    QVERIFY2(message.find("127.0.0.1:" + std::to_string(m_port)) != std::string::npos,
             message.c_str());
    QVERIFY2(message.find("in use") != std::string::npos, message.c_str());
    QVERIFY(!second.isRunning());
    QCOMPARE(second.port(), 0);
    QCOMPARE(get(m_port, "/health").status, 200); // the first one is untouched
}

void TestTargetServer::refusesASecondStartAndABadPort()
{
    const auto again = m_server.start("127.0.0.1", 0);
    QVERIFY(!again);
    QVERIFY2(again.error().message.find("already running") != std::string::npos,
             again.error().message.c_str());

    TargetServer other;
    const auto badPort = other.start("127.0.0.1", 70000);
    QVERIFY(!badPort);
    QVERIFY2(badPort.error().message.find("127.0.0.1:70000") != std::string::npos,
             badPort.error().message.c_str());
    const auto badHost = other.start("no-such-host.invalid", 0);
    QVERIFY(!badHost);
    QVERIFY2(badHost.error().message.find("no-such-host.invalid:0") != std::string::npos,
             badHost.error().message.c_str());
}

void TestTargetServer::waitReturnsOnceStoppedAndRestartWorks()
{
    TargetServer server;
    server.wait(); // not running: returns at once
    QVERIFY(server.start("127.0.0.1", 0));
    std::atomic<bool> waited = false;
    std::thread waiter([&] {
        server.wait();
        waited = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    QVERIFY(!waited);
    server.stop();
    waiter.join();
    QVERIFY(waited);
    QVERIFY(!server.isRunning());
    server.stop(); // twice is fine

    QVERIFY(server.start("127.0.0.1", 0));
    QCOMPARE(get(server.port(), "/health").body, std::string("ok"));
}

void TestTargetServer::cleanupTestCase()
{
    m_server.stop();
    QVERIFY(!m_server.isRunning());
}

QTEST_GUILESS_MAIN(TestTargetServer)
#include "tst_targetserver.moc"
