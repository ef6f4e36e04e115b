<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\ClientName;

/**
 * One page of Show Synchronized Publishers: the rows a PublisherFilter selects, their total
 * count, and the statuses and packages the filters offer. A page reads at most one page of
 * rows (offset paging on the indexes of Schema::publisherIndexes); nothing is capped beyond
 * the page the admin chose, and the total is always shown.
 */
final class PublisherList
{
    /**
     * @return array{total: int, page: int, pages: int, size: int, beyond: bool, rows: list<array<string, mixed>>}
     *         beyond: the page asked for is past the last one (the last page is shown)
     */
    public static function page(PublisherFilter $filter): array
    {
        $total = $filter->rows(false)->count();
        $pages = max(1, (int) ceil($total / $filter->size));
        $page = min($filter->page, $pages);
        $rows = $filter->ordered($filter->rows(true))
            ->select(['r.service_id', 'r.client_id', 'r.username', 'r.package', 'r.status', 'r.last_sync', 'r.last_error',
                'c.firstname', 'c.lastname', 'c.companyname', 'c.email'])
            ->selectRaw("(r.password is not null and r.password != '') as has_password")
            ->offset(($page - 1) * $filter->size)->limit($filter->size)->get();
        $list = [];
        foreach ($rows as $r) {
            $list[] = self::row($r) + ['has_password' => (bool) $r->has_password];
        }
        return ['total' => $total, 'page' => $page, 'pages' => $pages, 'size' => $filter->size,
            'beyond' => $filter->page > $pages, 'rows' => $list];
    }

    /** A publisher record (joined with its client) as the page and the export show it; never its password. */
    public static function row(object $r): array
    {
        return [
            'username' => (string) $r->username,
            'client' => ClientName::of($r->firstname, $r->lastname, $r->companyname, $r->email),
            'client_id' => (int) $r->client_id,
            'email' => (string) ($r->email ?? ''),
            'service_id' => (int) $r->service_id,
            'package' => (string) $r->package,
            'status' => $r->status ?: '-',
            'last_sync' => (string) $r->last_sync,
            'error' => (string) ($r->last_error ?? ''),
        ];
    }

    /** @return list<string> the statuses of the records, for the status filter */
    public static function statuses(): array
    {
        return self::distinct('status');
    }

    /** @return list<string> the packages of the records, for the package filter */
    public static function packages(): array
    {
        return self::distinct('package');
    }

    /** @return list<string> the non-empty values, read on the column's index (one entry per value, however many records) */
    private static function distinct(string $column): array
    {
        return Capsule::table(Schema::PUBLISHERS)->distinct()->orderBy($column)->pluck($column)->filter(static fn ($v): bool => $v !== '')->values()->map(static fn ($v): string => (string) $v)->all();
    }
}
