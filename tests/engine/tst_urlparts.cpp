// splitUrl() and the decoders behind every output target and `--out …?key=value`: libcurl's URL
// API with the few rules of our own on top (no "http:///db", strict escapes in option values).

#include <loadwizard/output.h>
#include <loadwizard/urlparts.h>

#include <QTest>

using namespace Loadwizard;
using namespace Loadwizard::Engine;

class TestUrlParts : public QObject
{
    Q_OBJECT

private slots:
    void splitsUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("port");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("origin");
        QTest::newRow("plain") << "http://127.0.0.1:8086/loadwizard"
                               << ""
                               << ""
                               << "127.0.0.1"
                               << "8086"
                               << "/loadwizard"
                               << "http://127.0.0.1:8086";
        QTest::newRow("userinfo with %40 and %3A")
            << "https://me%40example.org:pa%3Ass%40word@h:9200/prefix/db"
            << "me@example.org"
            << "pa:ss@word"
            << "h"
            << "9200"
            << "/prefix/db"
            << "https://h:9200";
        QTest::newRow("user without password") << "http://me@h/"
                                               << "me"
                                               << ""
                                               << "h"
                                               << ""
                                               << "/"
                                               << "http://h";
        QTest::newRow("IPv6 host") << "http://[::1]:8086/db"
                                   << ""
                                   << ""
                                   << "[::1]"
                                   << "8086"
                                   << "/db"
                                   << "http://[::1]:8086";
        QTest::newRow("scheme in capitals") << "HTTP://h:1"
                                            << ""
                                            << ""
                                            << "h"
                                            << "1"
                                            << "/"
                                            << "http://h:1";
        QTest::newRow("path stays encoded") << "http://h/a%2Fb"
                                            << ""
                                            << ""
                                            << "h"
                                            << ""
                                            << "/a%2Fb"
                                            << "http://h";
        QTest::newRow("bad escape in the password stays as written") << "http://u:%zz%4@h"
                                                                     << "u"
                                                                     << "%zz%4"
                                                                     << "h"
                                                                     << ""
                                                                     << "/"
                                                                     << "http://h";
        QTest::newRow("bytes >= 0x80 in the password")
            << QString::fromUtf8("http://u:\xc3\xa9t\xc3\xa9%C3%A9@h") << "u"
            << QString::fromUtf8("\xc3\xa9t\xc3\xa9\xc3\xa9") << "h"
            << ""
            << "/"
            << "http://h";
        QTest::newRow("tcp") << "tcp://[::1]:2003"
                             << ""
                             << ""
                             << "[::1]"
                             << "2003"
                             << "/"
                             << "tcp://[::1]:2003";
    }

    void splitsUrls()
    {
        QFETCH(QString, url);
        QFETCH(QString, user);
        QFETCH(QString, password);
        QFETCH(QString, host);
        QFETCH(QString, port);
        QFETCH(QString, path);
        QFETCH(QString, origin);
        const auto parts = splitUrl(url.toStdString());
        QVERIFY2(parts, parts ? "" : parts.error().message.c_str());
        QCOMPARE(QString::fromStdString(parts->user), user);
        QCOMPARE(QString::fromStdString(parts->password), password);
        QCOMPARE(QString::fromStdString(parts->host), host);
        QCOMPARE(QString::fromStdString(parts->port), port);
        QCOMPARE(QString::fromStdString(parts->path), path);
        QCOMPARE(QString::fromStdString(parts->origin()), origin);
    }

    void refusesBadUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("noHost");
        QTest::newRow("no host") << "http://" << true;
        QTest::newRow("empty host, port") << "http://:80/" << true;
        QTest::newRow("three slashes") << "http:///db" << true;
        QTest::newRow("no scheme") << "127.0.0.1:8086/db" << false;
        QTest::newRow("port too large") << "http://h:70000/" << false;
        QTest::newRow("port not a number") << "http://h:x/" << false;
        QTest::newRow("unterminated IPv6") << "http://[::1/db" << false;
        QTest::newRow("unencoded @ in the password") << "http://u:p@ss@h/db" << false;
        QTest::newRow("control character from the password") << "http://u:%0A@h/" << false;
    }

    void refusesBadUrls()
    {
        QFETCH(QString, url);
        QFETCH(bool, noHost);
        const auto parts = splitUrl(url.toStdString());
        QVERIFY(!parts);
        QCOMPARE(parts.error().noHost, noHost);
        QVERIFY(!parts.error().message.empty());
    }

    void decodesPercentEscapesLeniently()
    {
        QCOMPARE(percentDecoded("a%20b%2Fc"), std::string("a b/c"));
        QCOMPARE(percentDecoded("100%"), std::string("100%"));
        QCOMPARE(percentDecoded("%zz%4"), std::string("%zz%4"));
        QCOMPARE(percentDecoded("%C3%A9\xc3\xa9"), std::string("\xc3\xa9\xc3\xa9"));
        QCOMPARE(percentDecoded("a%00b"), std::string("a\0b", 3));
        QCOMPARE(percentDecoded(""), std::string());
    }

    void decodesQueryComponentsStrictly_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QByteArray>("decoded");
        QTest::newRow("plain") << QByteArray("abc") << true << QByteArray("abc");
        QTest::newRow("plus is a space") << QByteArray("a+b") << true << QByteArray("a b");
        QTest::newRow("%2B is a plus") << QByteArray("a%2Bb") << true << QByteArray("a+b");
        QTest::newRow("escapes") << QByteArray("a%26b%3dc") << true << QByteArray("a&b=c");
        QTest::newRow("bytes >= 0x80 as written")
            << QByteArray("\xc3\xa9\xff") << true << QByteArray("\xc3\xa9\xff");
        QTest::newRow("bytes >= 0x80 escaped")
            << QByteArray("%C3%a9") << true << QByteArray("\xc3\xa9");
        QTest::newRow("bad hex") << QByteArray("a=%zz") << false << QByteArray();
        QTest::newRow("high byte after %") << QByteArray("%\xe9\xe9") << false << QByteArray();
        QTest::newRow("one digit at the end") << QByteArray("a%4") << false << QByteArray();
        QTest::newRow("lone % at the end") << QByteArray("a%") << false << QByteArray();
    }

    void decodesQueryComponentsStrictly()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, valid);
        QFETCH(QByteArray, decoded);
        const auto result = queryComponentDecoded(text.toStdString());
        QCOMPARE(result.has_value(), valid);
        if (valid)
            QCOMPARE(QByteArray::fromStdString(*result), decoded);
    }

    void outFlagValuesUseTheSameDecoder()
    {
        const auto config =
            parseOutputFlag("influxdb=http://h/db?tag.team=perf+team&token=a%2Bb%40c");
        QVERIFY(config);
        QCOMPARE(config->options.at("tag.team"), std::string("perf team"));
        QCOMPARE(config->options.at("token"), std::string("a+b@c"));
        const auto bad = parseOutputFlag("influxdb=http://h/db?token=%G0");
        QVERIFY(!bad);
        QCOMPARE(bad.error().field, std::string("--out"));
    }
};

QTEST_GUILESS_MAIN(TestUrlParts)
#include "tst_urlparts.moc"
