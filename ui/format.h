#pragma once

#include <loadwizard/error.h>

#include <QLocale>
#include <QString>

namespace Loadwizard::Ui {

/// "45 s", "4 min 20 s", "2 h 5 min", "3 d 4 h".
QString formatDuration(double seconds);
/// "1.5", "120", "0.25": the shortest form, no trailing zeros.
QString formatNumber(double value, int decimals = 2);
/// Help written with Markdown code spans (`loadwizard target`): as rich text with <code> (for
/// tooltips and labels), or as plain text without the backticks (for table cells).
QString codeSpansAsHtml(const QString &text);
QString withoutCodeMarks(const QString &text);
/// The user's locale, always with its digit grouping (even the C locale's "1,234"): counts and
/// chart axes are read at a glance.
QLocale numberLocale();
/// A count with digit grouping: "12,345".
QString formatCount(double value);
/// A value with digit grouping and `decimals` decimals.
QString formatGrouped(double value, int decimals);
/// An engine error as its "file:line:column: field: message" text.
QString errorText(const Error &error);

} // namespace Loadwizard::Ui
