<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

/**
 * The CSV export of Show Synchronized Publishers: every record the current filter selects (not
 * just the page), streamed. Records are read CHUNK at a time by service id (keyset: each chunk
 * starts after the last one's id, so memory stays bounded however many there are) and each
 * chunk is written out before the next is read. Passwords are never read. A cell that a
 * spreadsheet would run as a formula (= + - @, tab, carriage return first) gets a leading
 * apostrophe (https://owasp.org/www-community/attacks/CSV_Injection).
 */
final class PublisherExport
{
    public const CHUNK = 1000;
    public const HEADER = ['Username', 'Client', 'Client ID', 'E-mail', 'Service ID', 'Package', 'Status', 'Last sync', 'Last error'];

    /**
     * Sends the export as a download and ends the request (called from aflexi_cdn_output, so
     * WHMCS's admin login and the addon's access control came first). The admin page's output
     * buffered so far is dropped: the answer is the CSV alone.
     */
    public static function download(PublisherFilter $filter): never
    {
        while (ob_get_level() > 0) {
            ob_end_clean();
        }
        header('Content-Type: text/csv; charset=utf-8');
        header('Content-Disposition: attachment; filename="aflexi-publishers-' . gmdate('Ymd-His') . '.csv"');
        header('Cache-Control: no-store');
        header('X-Content-Type-Options: nosniff');
        $out = fopen('php://output', 'wb');
        self::write($out, $filter, static function (): void {
            flush();
        });
        fclose($out);
        exit;
    }

    /**
     * Writes the header and every selected record to $out, in service id order; $afterChunk
     * runs after each chunk (the download flushes there). Returns the number of records.
     *
     * @param resource $out
     */
    public static function write($out, PublisherFilter $filter, ?\Closure $afterChunk = null): int
    {
        self::line($out, self::HEADER);
        $after = 0;
        $n = 0;
        do {
            $chunk = $filter->rows(true)->where('r.service_id', '>', $after)->orderBy('r.service_id')->limit(self::CHUNK)
                ->get(['r.service_id', 'r.client_id', 'r.username', 'r.package', 'r.status', 'r.last_sync', 'r.last_error',
                    'c.firstname', 'c.lastname', 'c.companyname', 'c.email']);
            foreach ($chunk as $r) {
                $row = PublisherList::row($r);
                self::line($out, array_map([self::class, 'cell'], [$row['username'], $row['client'], $row['client_id'], $row['email'],
                    $row['service_id'], $row['package'], $row['status'], $row['last_sync'], $row['error']]));
                $after = (int) $r->service_id;
                $n++;
            }
            $count = $chunk->count();
            unset($chunk);
            if ($afterChunk !== null) {
                $afterChunk();
            }
        } while ($count === self::CHUNK);
        return $n;
    }

    /** A value as a CSV cell a spreadsheet shows as text, never runs as a formula. */
    public static function cell(mixed $value): string
    {
        $text = (string) $value;
        return $text !== '' && str_contains("=+-@\t\r", $text[0]) ? "'" . $text : $text;
    }

    /**
     * One CSV line as RFC 4180 has it: quotes doubled, no escape character (PHP's default
     * backslash escape would let `\"` end a cell early in other readers; PHP 8.4 deprecates
     * relying on it).
     *
     * @param resource $out
     * @param list<scalar|null> $cells
     */
    private static function line($out, array $cells): void
    {
        fputcsv($out, $cells, ',', '"', '');
    }
}
