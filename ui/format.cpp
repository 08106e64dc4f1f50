#include "format.h"

#include <QStringList>

#include <cmath>

namespace Loadwizard::Ui {

QString formatDuration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        seconds = 0;
    const auto total = static_cast<long long>(std::llround(seconds));
    const long long days = total / 86400;
    const long long hours = total % 86400 / 3600;
    const long long minutes = total % 3600 / 60;
    const long long rest = total % 60;
    if (days > 0)
        return hours ? QStringLiteral("%1 d %2 h").arg(days).arg(hours)
                     : QStringLiteral("%1 d").arg(days);
    if (hours > 0)
        return minutes ? QStringLiteral("%1 h %2 min").arg(hours).arg(minutes)
                       : QStringLiteral("%1 h").arg(hours);
    if (minutes > 0)
        return rest ? QStringLiteral("%1 min %2 s").arg(minutes).arg(rest)
                    : QStringLiteral("%1 min").arg(minutes);
    return QStringLiteral("%1 s").arg(rest);
}

QLocale numberLocale()
{
    QLocale locale;
    locale.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    return locale;
}

QString formatCount(double value)
{
    return numberLocale().toString(value, 'f', 0);
}

QString formatGrouped(double value, int decimals)
{
    return numberLocale().toString(value, 'f', decimals);
}

QString formatNumber(double value, int decimals)
{
    QString text = QString::number(value, 'f', decimals);
    if (text.contains('.')) {
        while (text.endsWith('0'))
            text.chop(1);
        if (text.endsWith('.'))
            text.chop(1);
    }
    return text == QLatin1String("-0") ? QStringLiteral("0") : text;
}

QString codeSpansAsHtml(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char('`'));
    QString out;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QString escaped = parts[i].toHtmlEscaped();
        out += i % 2 ? QStringLiteral("<code>%1</code>").arg(escaped) : escaped;
    }
    // <p> makes it rich text even where Qt guesses (tooltips), and lets a long one wrap.
    return QStringLiteral("<p>%1</p>").arg(out);
}

QString withoutCodeMarks(const QString &text)
{
    return QString(text).remove(QLatin1Char('`'));
}

QString errorText(const Error &error)
{
    return QString::fromStdString(error.toString());
}

} // namespace Loadwizard::Ui
