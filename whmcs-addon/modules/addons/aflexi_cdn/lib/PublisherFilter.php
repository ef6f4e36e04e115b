<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use Illuminate\Database\Query\Builder;
use WHMCS\Database\Capsule;

/**
 * What the publishers page (and its CSV export) shows: a search, the filters, the sort and the
 * page, read from the request. Every value is checked here: the sort is a key of SORTS (never a
 * column name from the request), the page size one of SIZES, and the search is bound, never
 * put into SQL text.
 */
final class PublisherFilter
{
    /** Sort key => the columns it orders by; the service id breaks ties, so paging is stable. */
    public const SORTS = [
        'username' => ['r.username'],
        'client' => ['c.lastname', 'c.firstname'],
        'service' => [],
        'package' => ['r.package'],
        'status' => ['r.status'],
        'last_sync' => ['r.last_sync'],
    ];
    public const SIZES = [25, 50, 100, 250, 500];
    public const DEFAULT_SIZE = 50;
    /** The "has error" choices. */
    public const ERRORS = ['', 'yes', 'no'];

    private function __construct(
        public readonly string $search,
        public readonly string $status,
        public readonly string $package,
        public readonly string $error,
        public readonly string $sort,
        public readonly bool $descending,
        public readonly int $page,
        public readonly int $size,
    ) {
    }

    /** From the request's values (already decoded); an unknown value falls back to the default. */
    public static function fromInput(array $in): self
    {
        $text = static fn (string $key): string => is_scalar($in[$key] ?? null) ? trim((string) $in[$key]) : '';
        $size = (int) $text('size');
        $page = $text('page');
        return new self(
            $text('q'),
            $text('status'),
            $text('package'),
            in_array($text('error'), self::ERRORS, true) ? $text('error') : '',
            isset(self::SORTS[$text('sort')]) ? $text('sort') : 'username',
            $text('dir') === 'desc',
            ctype_digit($page) && strlen($page) < 9 ? max(1, (int) $page) : 1,
            in_array($size, self::SIZES, true) ? $size : self::DEFAULT_SIZE,
        );
    }

    /** The same filter on another page. */
    public function onPage(int $page): self
    {
        return new self($this->search, $this->status, $this->package, $this->error, $this->sort, $this->descending, max(1, $page), $this->size);
    }

    /** The query values that give this filter back (for links; defaults left out). */
    public function query(array $changes = []): array
    {
        $query = array_merge([
            'q' => $this->search, 'status' => $this->status, 'package' => $this->package, 'error' => $this->error,
            'sort' => $this->sort === 'username' ? '' : $this->sort, 'dir' => $this->descending ? 'desc' : '',
            'size' => $this->size === self::DEFAULT_SIZE ? '' : (string) $this->size, 'page' => $this->page > 1 ? (string) $this->page : '',
        ], $changes);
        return array_filter(array_map('strval', $query), static fn (string $v): bool => $v !== '');
    }

    /** The link values that sort by $key: the other direction when it is the current sort. */
    public function sortQuery(string $key): array
    {
        $descending = $key === $this->sort && !$this->descending;
        return $this->query(['sort' => $key === 'username' ? '' : $key, 'dir' => $descending ? 'desc' : '', 'page' => '']);
    }

    /** Whether anything narrows the list. */
    public function narrows(): bool
    {
        return $this->search !== '' || $this->status !== '' || $this->package !== '' || $this->error !== '';
    }

    /**
     * The records this filter selects (every record of the table: one not yet linked to a
     * publisher shows an empty username), the client joined when $withClient (the rows, and
     * the client sort on them; a count needs no join). Each condition is one the indexes of Schema::PUBLISHER_INDEXES serve.
     */
    public function rows(bool $withClient): Builder
    {
        $q = Capsule::table(Schema::PUBLISHERS . ' as r');
        if ($withClient) {
            $q->leftJoin('tblclients as c', 'c.id', '=', 'r.client_id');
        }
        if ($this->status !== '') {
            $q->where('r.status', $this->status);
        }
        if ($this->package !== '') {
            $q->where('r.package', $this->package);
        }
        if ($this->error === 'yes') {
            $q->whereNotNull('r.last_error')->where('r.last_error', '!=', '');
        } elseif ($this->error === 'no') {
            $q->where(static fn (Builder $w) => $w->whereNull('r.last_error')->orWhere('r.last_error', ''));
        }
        if ($this->search !== '') {
            $this->search($q);
        }
        return $q;
    }

    /** The sort on a query of rows(). */
    public function ordered(Builder $q): Builder
    {
        $direction = $this->descending ? 'desc' : 'asc';
        foreach (self::SORTS[$this->sort] as $column) {
            $q->orderBy($column, $direction);
        }
        return $q->orderBy('r.service_id', $direction);
    }

    /**
     * Search: the username (its local part, as stored) or the client's name, company or e-mail
     * contains the text; a number is also a service id. The clients are matched in a subquery
     * on tblclients alone (one pass over WHMCS's table, whose columns have no index), not per
     * joined row, column by column (the joined full name only for a text with a space: it is
     * the slowest comparison). WHMCS stores client fields HTML-encoded (Text::decoded on the way out), so
     * the encoded form is searched too.
     */
    private function search(Builder $q): void
    {
        $like = '%' . addcslashes($this->search, '%_\\') . '%';
        $patterns = array_unique([$like, '%' . addcslashes(htmlspecialchars($this->search, ENT_QUOTES, 'UTF-8'), '%_\\') . '%']);
        $spaced = str_contains($this->search, ' ');
        $clients = Capsule::table('tblclients')->select('id')->where(static function (Builder $w) use ($patterns, $spaced): void {
            foreach ($patterns as $pattern) {
                $w->orWhere('email', 'like', $pattern)->orWhere('companyname', 'like', $pattern)
                    ->orWhere('firstname', 'like', $pattern)->orWhere('lastname', 'like', $pattern);
                if ($spaced) {
                    $w->orWhereRaw("concat(firstname, ' ', lastname) like ?", [$pattern]);
                }
            }
        });
        $q->where(function (Builder $w) use ($like, $clients): void {
            $w->where('r.username', 'like', $like)->orWhereIn('r.client_id', $clients);
            $id = ltrim($this->search, '#');
            if (ctype_digit($id) && strlen($id) < 10) {
                $w->orWhere('r.service_id', (int) $id);
            }
        });
    }
}
